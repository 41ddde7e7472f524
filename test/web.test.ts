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
});
