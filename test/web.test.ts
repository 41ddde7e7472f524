/// <reference lib="dom" />
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

// The built web app (npm test builds it) in Debian's Chromium, driven by playwright-core.
const root = fileURLToPath(new URL("..", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const URL_BASE = "http://127.0.0.1:4173/";
const available = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run); elsewhere the browser tests need it installed by hand.
const skip = !available && !process.env.CI ? "Chromium is not installed (apt-get install chromium)" : false;

let server: ChildProcess | undefined;
let browser: Browser | undefined;

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(URL_BASE)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("vite preview did not start");
}

async function planned(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector("#status")?.textContent?.startsWith("Planned"),
    null,
    {
      timeout: 60000,
    },
  );
}

describe("web app in Chromium", { skip }, () => {
  before(async () => {
    server = spawn(
      process.execPath,
      [join(root, "node_modules/vite/bin/vite.js"), "preview", "--config", "web/vite.config.ts"],
      {
        cwd: root,
        stdio: "ignore",
      },
    );
    await waitForServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  after(async () => {
    await browser?.close();
    server?.kill();
  });

  it("plans the default scenario, moves when an input changes, and keeps the state in the URL", async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(URL_BASE);
    await planned(page);
    assert.match((await page.textContent("#details")) ?? "", /Goodput over 300 trials/);
    const before = await page.locator("#summary .card .value").first().textContent();
    await page.fill("#gpus", "8192");
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"gpus":8192'));
    await planned(page);
    await page.waitForFunction(
      (old) => document.querySelector("#summary .card .value")?.textContent !== old,
      before,
    );
    const shared = page.url();
    if (process.env.SCREENSHOT) {
      mkdirSync(join(root, "docs"), { recursive: true });
      await page.screenshot({ path: join(root, "docs", "screenshot.png"), fullPage: false });
    }
    const other = await (browser as Browser).newPage();
    await other.goto(shared);
    await planned(other);
    assert.equal(await other.inputValue("#gpus"), "8192");
    await page.goBack();
    await page.waitForFunction(() => (document.querySelector("#gpus") as HTMLInputElement).value === "4096");
  });

  it("shows a validation error next to the field and marks it", async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(URL_BASE);
    await planned(page);
    await page.fill("#gpus", "-5");
    await page.waitForSelector("#error:not([hidden])");
    assert.match((await page.textContent("#error")) ?? "", /cluster\.gpus: got -5/);
    assert.equal(await page.getAttribute("#gpus", "aria-invalid"), "true");
  });

  it("downloads the scenario as a file the CLI accepts", async () => {
    const page = await (browser as Browser).newPage({ acceptDownloads: true });
    await page.goto(URL_BASE);
    await planned(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const path = await download.path();
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(path, "utf8");
    assert.match(text, /model: llama-3-70b/);
    assert.match(text, /gpus: 4096/);
  });

  it("loads every site preset and shows its build-out", async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(URL_BASE);
    await planned(page);
    const sites = await page.$$eval("#site option", (options) =>
      options.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
    );
    assert.ok(sites.length >= 5);
    for (const site of sites) {
      await page.selectOption("#site", site);
      await page.waitForFunction(
        (name) => decodeURIComponent(location.hash).includes(`"site":"${name}"`),
        site,
      );
      await page.waitForFunction(
        () =>
          document.querySelector("#status")?.textContent?.startsWith("Planned") ||
          !(document.querySelector("#error") as HTMLElement).hidden,
        null,
        { timeout: 60000 },
      );
      if ((await page.textContent("#status"))?.startsWith("Planned")) {
        assert.match((await page.textContent("#details")) ?? "", /Build-out: bill of materials/, site);
      }
    }
  });

  it("re-loads a downloaded scenario file into the form", async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(URL_BASE);
    await planned(page);
    await page.setInputFiles("#upload", {
      name: "scenario.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from(
        "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchTokens: 4194304, tokens: 1e12 }\ncluster: { accelerator: h200, gpus: 512 }\n",
      ),
    });
    await page.waitForFunction(() => (document.querySelector("#gpus") as HTMLInputElement).value === "512");
    await planned(page);
    assert.equal(await page.inputValue("#model"), "llama-3-8b");
    assert.equal(await page.inputValue("#accelerator"), "h200");
  });

  it("shows progress on a long simulation and can cancel it", async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(URL_BASE);
    await planned(page);
    await page.click("summary");
    await page.fill("#trials", "200000");
    await page.waitForSelector("#cancel:not([hidden])");
    await page.click("#cancel");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.startsWith("Cancelled"));
    await page.fill("#trials", "300");
    await planned(page);
  });

  it("sweeps the GPU count into a line chart, and compares a kept scenario with the form", async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(URL_BASE);
    await planned(page);
    await page.fill("#sweepFrom", "1024");
    await page.fill("#sweepTo", "8192");
    await page.click("#sweep");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "Swept.", null, {
      timeout: 60000,
    });
    const sweep = (await page.textContent("#whatif")) ?? "";
    assert.match(sweep, /Time to train/);
    assert.match(sweep, /Sweep of the GPU count/);
    await page.click("#pin");
    await page.fill("#gpus", "2048");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "Compared.", null, {
      timeout: 60000,
    });
    const compare = (await page.textContent("#whatif")) ?? "";
    assert.match(compare, /B against A/);
    assert.match(compare, /GPUs4,0962,048-50%/);
  });
});
