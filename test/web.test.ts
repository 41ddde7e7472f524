/// <reference lib="dom" />
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { loadScenario } from "../src/scenario/normalize.ts";

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

/** Waits for the page to finish (plan, run and what follows) or to show an error. */
async function settled(page: Page): Promise<string> {
  await page.waitForFunction(
    () => ["done", "error"].includes((document.querySelector("#results") as HTMLElement).dataset.state ?? ""),
    null,
    { timeout: 60000 },
  );
  return (await page.getAttribute("#results", "data-state")) ?? "";
}

async function done(page: Page): Promise<void> {
  assert.equal(await settled(page), "done", (await page.textContent("body")) ?? "");
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

  const open = async (url = URL_BASE): Promise<Page> => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await done(page);
    return page;
  };

  it("plans the default scenario, moves when an input changes, and keeps the state in the URL", async () => {
    const page = await open();
    assert.match((await page.textContent("#run")) ?? "", /Goodput over 300 trials/);
    const before = await page.locator("#summary .card .value").first().textContent();
    await page.fill("#cluster-gpus", "8192");
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"gpus":8192'));
    await done(page);
    assert.notEqual(await page.locator("#summary .card .value").first().textContent(), before);
    const shared = page.url();
    if (process.env.SCREENSHOT) {
      mkdirSync(join(root, "docs"), { recursive: true });
      await page.screenshot({ path: join(root, "docs", "screenshot.png"), fullPage: false });
    }
    const other = await open(shared);
    assert.equal(await other.inputValue("#cluster-gpus"), "8192");
    await page.goBack();
    await page.waitForFunction(
      () => (document.querySelector("#cluster-gpus") as HTMLInputElement).value === "4096",
    );
    await done(page);
  });

  it("shows the scenario's own validation message next to the field, folded fields included", async () => {
    const page = await open();
    await page.fill("#cluster-gpus", "-5");
    assert.equal(await settled(page), "error");
    assert.match((await page.textContent("#cluster-gpus-error")) ?? "", /cluster\.gpus: got -5/);
    assert.equal(await page.getAttribute("#cluster-gpus", "aria-invalid"), "true");
    assert.equal(await page.isHidden("#error"), true);
    await page.fill("#cluster-gpus", "4096");
    await done(page);
    assert.equal(await page.getAttribute("#cluster-gpus", "aria-invalid"), null);
    // A field folded away under "more" unfolds to show its message.
    await page.click("#site-more summary");
    await page.selectOption("#site-preset", "generic-2025");
    await done(page);
    await page.fill("#site-pue", "7");
    assert.equal(await settled(page), "error");
    assert.match((await page.textContent("#site-pue-error")) ?? "", /site\.pue/);
    assert.equal(await page.isVisible("#site-pue-error"), true);
  });

  it("edits every section, including ranges that start the uncertainty analysis", async () => {
    const page = await open();
    await page.selectOption("#site-preset", "generic-2025");
    await done(page);
    assert.match((await page.textContent("#buildout")) ?? "", /Bill of materials/);
    await page.click("#simulation-more summary");
    await page.fill("#uncertainty-samples", "6");
    await page.click("#reliability-more summary");
    await page.fill("#reliability-rateScale", "0.5..2");
    await done(page);
    const sampled = (await page.textContent("#uncertainty")) ?? "";
    assert.match(sampled, /Uncertainty: 6 samples of 1 uncertain inputs/);
    assert.match(sampled, /reliability\.rateScale/);
    await page.click("#layout-more summary");
    await page.fill("#layout-tp", "8");
    await page.selectOption("#layout-zero", "1");
    await page.click("#model-more summary");
    await page.fill("#model-layers", "40");
    await done(page);
    const hash = decodeURIComponent(new URL(page.url()).hash);
    for (const fragment of [
      '"tp":8',
      '"zero":1',
      '"layers":40',
      '"preset":"llama-3-70b"',
      '"rateScale":"0.5..2"',
    ]) {
      assert.ok(hash.includes(fragment), `${fragment} in ${hash}`);
    }
    assert.match((await page.textContent("#summary")) ?? "", /tp8/);
  });

  it("edits the whole scenario file as YAML, and says what is wrong with bad YAML", async () => {
    const page = await open();
    await page.click("#yaml-editor summary");
    assert.match(await page.inputValue("#scenario-yaml"), /gpus: 4096/);
    await page.fill(
      "#scenario-yaml",
      "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchTokens: 4194304, tokens: 1e12 }\ncluster: { accelerator: h100-sxm, gpus: 256 }\nreliability: { preset: llama-3, wearIn: { extra: 1, halfLifeDays: 5 } }\n",
    );
    await page.waitForFunction(
      () => (document.querySelector("#cluster-gpus") as HTMLInputElement).value === "256",
    );
    await done(page);
    assert.equal(await page.inputValue("#model-preset"), "llama-3-8b");
    assert.match(decodeURIComponent(new URL(page.url()).hash), /"wearIn":\{"extra":1,"halfLifeDays":5\}/);
    await page.fill("#scenario-yaml", "model: [unclosed");
    await page.waitForSelector("#scenario-yaml-error:not([hidden])");
    assert.ok(((await page.textContent("#scenario-yaml-error")) ?? "").length > 10);
  });

  it("explains every number with a tooltip and labels every input", async () => {
    const page = await open();
    await page.selectOption("#site-preset", "generic-2025");
    await done(page);
    const untitled = await page.$$eval("#results td, #results .card", (cells) =>
      cells
        .filter((c) => /\d/.test(c.textContent ?? "") && !c.getAttribute("title"))
        .map((c) => c.textContent),
    );
    assert.deepEqual(untitled, []);
    const unlabelled = await page.$$eval("input, select", (controls) =>
      controls
        .filter((c) => c.id && !document.querySelector(`label[for="${c.id}"]`) && !c.closest("label"))
        .map((c) => c.id),
    );
    assert.deepEqual(unlabelled, []);
    const charts = await page.$$eval("figure.chart", (figures) =>
      figures.map((f) => f.getAttribute("aria-label")),
    );
    assert.ok(charts.length >= 2 && charts.every((label) => label && label.length > 10));
  });

  it("downloads the scenario as a file the CLI accepts, and loads one back with every field", async () => {
    const page = await (browser as Browser).newPage({ acceptDownloads: true });
    await page.goto(URL_BASE);
    await done(page);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const text = readFileSync(await download.path(), "utf8");
    assert.match(text, /model: llama-3-70b/);
    assert.deepEqual(loadScenario(text).facility.size, { by: "gpus", gpus: 4096 });
    await page.setInputFiles("#upload", {
      name: "scenario.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from(
        "name: small run\ndescription: kept though no field shows it\nmodel: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchTokens: 4194304, tokens: 1e12 }\ncluster: { accelerator: h200, gpus: 512 }\n",
      ),
    });
    await page.waitForFunction(
      () => (document.querySelector("#cluster-gpus") as HTMLInputElement).value === "512",
    );
    await done(page);
    assert.equal(await page.inputValue("#model-preset"), "llama-3-8b");
    assert.equal(await page.inputValue("#cluster-accelerator"), "h200");
    const [again] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    assert.match(readFileSync(await again.path(), "utf8"), /description: kept though no field shows it/);
  });

  it("loads every preset of every catalog section, each planned or refused with a message", async () => {
    for (const select of [
      "#model-preset",
      "#training-preset",
      "#cluster-accelerator",
      "#site-preset",
      "#reliability-preset",
      "#checkpoint-preset",
    ]) {
      const page = await open();
      await page.fill("#simulation-trials", "20");
      await done(page);
      const values = await page.$$eval(`${select} option`, (options) =>
        options.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
      );
      assert.ok(values.length >= 2, select);
      let planned = 0;
      for (const value of values) {
        await page.selectOption(select, value);
        const state = await settled(page);
        const message = await page.$$eval(".field-error:not([hidden]), #error:not([hidden])", (boxes) =>
          boxes.map((b) => b.textContent).join(" "),
        );
        assert.doesNotMatch(message, /internal error/, `${select} = ${value}`);
        // A site preset brings its own GPU count: the planner must find an answer for every one.
        if (select === "#site-preset") assert.equal(state, "done", `${value}: ${message}`);
        if (state === "done") {
          planned++;
          assert.match((await page.textContent("#plan")) ?? "", /Step time \(bottleneck pipeline stage/);
          if (select === "#site-preset") {
            assert.match((await page.textContent("#buildout")) ?? "", /Bill of materials/, value);
          }
        } else {
          assert.ok(message.length > 20, `${select} = ${value}: a message says why`);
        }
      }
      assert.ok(planned >= Math.min(3, values.length), `${select}: ${planned} of ${values.length} planned`);
      await page.close();
    }
  });

  it("plans (or builds out) every bundled example loaded as a file, with no error", async () => {
    const page = await open();
    for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".yaml"))) {
      // Marked first, so that the wait below sees this file's result and not the last one's.
      await page.evaluate(() => document.querySelector("#results")?.setAttribute("data-state", "loading"));
      await page.setInputFiles("#upload", join(root, "examples", file));
      assert.equal(await settled(page), "done", `${file}: ${await page.textContent("#status")}`);
      const text = readFileSync(join(root, "examples", file), "utf8");
      const loaded = loadScenario(text);
      // A serve section without a training one: the serving view, and no training plan.
      const servesOnly = loaded.serve !== undefined && !/^training:/m.test(text);
      // A growth section: the fleet over time (as `gigacluster growth`), no single-cluster plan.
      if (/^growth:/m.test(text)) {
        assert.match((await page.textContent("#summary")) ?? "", /GPUs at the end/, file);
        assert.match((await page.textContent("#growth")) ?? "", /Quarter by quarter/, file);
        assert.equal(await page.textContent("#plan"), "", file);
        continue;
      }
      if (servesOnly) {
        assert.match((await page.textContent("#summary")) ?? "", /fleet GPUs.*per million tokens/s, file);
        assert.match((await page.textContent("#serve")) ?? "", /Fleet/, file);
        assert.equal(await page.textContent("#plan"), "", file);
      } else if (loaded.model !== undefined) {
        assert.match((await page.textContent("#plan")) ?? "", /Step time/, file);
      } else assert.match((await page.textContent("#buildout")) ?? "", /Bill of materials/, file);
      if (loaded.serve !== undefined) assert.match((await page.textContent("#serve")) ?? "", /Fleet/, file);
    }
  });

  it("serves a serve scenario: cards, the frontier and demand charts, all moving with the users field", async () => {
    const page = await open();
    await page.setInputFiles("#upload", join(root, "examples", "serve-chatgpt-uae.yaml"));
    await page.waitForFunction(() =>
      /fleet GPUs/.test(document.querySelector("#summary")?.textContent ?? ""),
    );
    await done(page);
    const summary = (await page.textContent("#summary")) ?? "";
    for (const label of [
      /fleet GPUs/,
      /facility MW/,
      /\$ per million tokens/,
      /Wh per request/,
      /time to first token/,
      /time per output token/,
    ]) {
      assert.match(summary, label);
    }
    assert.equal(await page.textContent("#error"), "");
    const labels = await page.$$eval("#serve figure.chart", (figures) =>
      figures.map((f) => `${f.getAttribute("aria-label")} ${f.querySelectorAll("svg").length}`),
    );
    assert.equal(labels.length, 2);
    assert.match(labels[0] ?? "", /^Latency against throughput.* [1-9]\d*$/);
    assert.match(labels[1] ?? "", /^Fleet GPUs against daily active users.* [1-9]\d*$/);
    assert.match((await page.textContent("#serve")) ?? "", /Replica/);
    // The chosen replica ringed on the frontier, and this scenario's point on the demand curve.
    assert.match((await page.textContent("#serve figure.chart")) ?? "", /chosen: tp/);
    const gpus = async () => (await page.locator("#summary .card .value").first().textContent()) ?? "";
    const before = await gpus();
    assert.equal(await page.inputValue("#serve-demand-users"), "10000000");
    await page.fill("#serve-demand-users", "100000000");
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"users":100000000'));
    await done(page);
    const after = await gpus();
    assert.notEqual(after, before);
    assert.ok(
      Number(after.replaceAll(",", "")) > Number(before.replaceAll(",", "")),
      `${before} -> ${after}`,
    );
    // A target no replica meets says why, as the page's other errors do.
    await page.fill("#serve-slo-tpotSeconds", "0.0001");
    assert.equal(await settled(page), "error");
    const message = await page.$$eval(".field-error:not([hidden]), #error:not([hidden])", (boxes) =>
      boxes.map((b) => b.textContent).join(" "),
    );
    assert.match(message, /no replica meets the service levels/);
  });

  it("grows a growth scenario: cards, the chart and the tables, moving with growth.until", async () => {
    const page = await open();
    await page.setInputFiles("#upload", join(root, "examples", "colossus-growth.yaml"));
    await page.waitForFunction(() =>
      /GPUs at the end/.test(document.querySelector("#summary")?.textContent ?? ""),
    );
    await done(page);
    const summary = (await page.textContent("#summary")) ?? "";
    for (const label of [
      /GPUs at the end/,
      /facility MW at the end/,
      /cumulative capex/,
      /dense PFLOP\/s at the end/,
      /405B on 100k H100: finish/,
      /405B on 110k GB200: finish/,
    ]) {
      assert.match(summary, label);
    }
    assert.equal(await page.textContent("#error"), "");
    assert.equal(await page.textContent("#plan"), "");
    const labels = await page.$$eval("#growth figure.chart", (figures) =>
      figures.map((f) => `${f.getAttribute("aria-label")} ${f.querySelectorAll("svg").length}`),
    );
    assert.equal(labels.length, 1);
    assert.match(labels[0] ?? "", /^GPUs online by accelerator.* [1-9]\d*$/);
    const growth = (await page.textContent("#growth")) ?? "";
    assert.match(growth, /Phases/);
    assert.match(growth, /Quarter by quarter/);
    assert.match(growth, /Runs/);
    // The form shows the growth section's simple fields; a change recomputes the fleet.
    assert.equal(await page.inputValue("#growth-until"), "2026-06");
    const gpus = async () => (await page.locator("#summary .card .value").first().textContent()) ?? "";
    assert.equal(await gpus(), "310,016");
    // Until 2025-03: the GB200 phase (2025-07) is not online yet.
    await page.fill("#growth-until", "2025-03");
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"until":"2025-03"'));
    await done(page);
    assert.equal(await gpus(), "200,000");
    assert.doesNotMatch((await page.textContent("#growth")) ?? "", /2025-Q3/);
    // A supply limit spreads the phases over later quarters.
    await page.fill("#growth-until", "2026-06");
    await page.fill("#growth-chipsPerYear", "100000");
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"chipsPerYear":100000'));
    await done(page);
    assert.notEqual(await gpus(), "310,016");
  });

  it("sizes the cluster from a budget typed in the form, and says how much of it is used", async () => {
    const page = await open();
    await page.click("#site-more summary");
    await page.fill("#budget-usd", "12e9");
    await page.waitForFunction(() =>
      /budget used/.test(document.querySelector("#summary")?.textContent ?? ""),
    );
    await done(page);
    const summary = (await page.textContent("#summary")) ?? "";
    const gpus = Number(
      (await page.locator("#summary .card .value").first().textContent())?.replaceAll(",", ""),
    );
    assert.ok(gpus > 100000, `a $12 B budget buys over 100,000 H100s, got ${gpus}`);
    assert.match(summary, /\$12\.00 B/);
    assert.equal(await page.inputValue("#cluster-gpus"), "", "the GPU count is the budget's");
  });

  it("on a phone shows the results first and the scenario a tap away", async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(URL_BASE);
    await done(page);
    const summary = await page.locator("#summary .card").first().boundingBox();
    assert.ok(summary && summary.y < 844, "the first card is on the first screen");
    assert.equal(await page.isVisible("#scenario"), false);
    await page.click("#tab-scenario");
    assert.equal(await page.isVisible("#cluster-gpus"), true);
    assert.equal(await page.isVisible("#summary"), false);
    await page.click("#tab-results");
    assert.equal(await page.isVisible("#summary"), true);
  });

  it("says when a shared link is broken and keeps the last good scenario", async () => {
    // Two tabs of one browser profile: the second opens a link cut short.
    const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(URL_BASE);
    await done(page);
    await page.fill("#cluster-gpus", "2048");
    await done(page);
    const broken = await context.newPage();
    await broken.goto(`${URL_BASE}#%7B%22model%22%3A%22llama`);
    await done(broken);
    assert.match((await broken.textContent("#notice")) ?? "", /could not be read/);
    assert.equal(await broken.isVisible("#notice"), true);
    assert.equal(await broken.inputValue("#cluster-gpus"), "2048");
    await context.close();
  });

  it("fits a phone's width without sideways scrolling (wide tables scroll in place)", async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(URL_BASE);
    await done(page);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  });

  it("works from the keyboard: unfold a section, move to a field, type a value", async () => {
    const page = await open();
    await page.focus("#layout-more summary");
    await page.keyboard.press("Enter");
    assert.equal(await page.getAttribute("#layout-more", "open"), "");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "layout-tp");
    await page.keyboard.type("4");
    await done(page);
    assert.match((await page.textContent("#summary")) ?? "", /tp4 /);
  });

  it("shows progress on a long simulation and can cancel it", async () => {
    const page = await open();
    await page.fill("#simulation-trials", "200000");
    await page.waitForFunction(() =>
      /simulating the run… \d+%/.test(document.querySelector("#status")?.textContent ?? ""),
    );
    await page.click("#cancel");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.startsWith("Cancelled"));
    await page.fill("#simulation-trials", "300");
    await done(page);
  });

  it("calibrates the stack to a runs file and plans with the fitted stack inline", async () => {
    const run = (gpus: number, batch: number, stepSeconds: number) =>
      `- name: ${gpus} GPUs\n  model: llama-3-8b\n  training: { sequenceLength: 4096, globalBatchSequences: ${batch} }\n` +
      `  cluster: { accelerator: h100-sxm, gpus: ${gpus} }\n  layout: { tp: 1, pp: 1, cp: 1, dp: ${gpus} }\n` +
      `  measured: { stepSeconds: ${stepSeconds} }\n`;
    const page = await open();
    await page.click("#calibrate summary");
    await page.fill("#calibrate-name", "my-cluster");
    await page.setInputFiles("#calibrate-files", {
      name: "runs.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from(run(8, 64, 4.3) + run(16, 128, 4.4) + run(32, 128, 2.25) + run(64, 256, 2.35)),
    });
    await page.waitForSelector("#calibrate-plan", { timeout: 60000 });
    const report = (await page.textContent("#calibration")) ?? "";
    assert.match(report, /Fitted stack my-cluster/);
    assert.match(report, /mean absolute error .* before, .* after/);
    assert.match(report, /Cross-validated \(4-fold/);
    assert.match(report, /sustainedComputeFraction/);
    assert.equal(await page.getAttribute("#calibrate-download", "download"), "my-cluster.yaml");
    await page.click("#calibrate-plan");
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('"name":"my-cluster"'));
    await done(page);
    assert.match((await page.textContent("#plan")) ?? "", /software stack my-cluster/);
    assert.match(
      await page.inputValue("#scenario-yaml"),
      /stack:\n\s+name: my-cluster\n\s+basedOn: megatron-core/,
    );
    assert.match((await page.textContent("#cluster-stack-source")) ?? "", /of one's own/);
    // A runs file with a bad measurement is refused with the field named.
    await page.setInputFiles("#calibrate-files", {
      name: "bad.yaml",
      mimeType: "application/yaml",
      buffer: Buffer.from(run(8, 64, -1)),
    });
    await page.waitForSelector("#calibrate-error:not([hidden])");
    assert.match(
      (await page.textContent("#calibrate-error")) ?? "",
      /bad\.yaml: runs\[0\]\.measured\.stepSeconds/,
    );
  });

  it("gives the same sweep and uncertainty analysis on 1 and on 2 Web Workers (?workers=N)", async () => {
    const seen: { workers: number; tables: string[] }[] = [];
    for (const asked of [1, 2]) {
      const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
      let workers = 0;
      page.on("worker", () => workers++);
      await page.goto(`${URL_BASE}?workers=${asked}`);
      await done(page);
      await page.fill("#sweep-from", "1024");
      await page.fill("#sweep-to", "4096");
      await page.click("#sweep");
      await done(page);
      const sweep = await page.locator("#whatif table").allTextContents();
      await page.click("#simulation-more summary");
      await page.fill("#uncertainty-samples", "6");
      await page.click("#reliability-more summary");
      await page.fill("#reliability-rateScale", "0.5..2");
      await done(page);
      await page.waitForFunction(() =>
        /6 samples/.test(document.querySelector("#uncertainty")?.textContent ?? ""),
      );
      const sampled = await page.locator("#uncertainty table").allTextContents();
      seen.push({ workers, tables: [...sweep, ...sampled] });
      await page.close();
    }
    const [one, two] = seen as [(typeof seen)[number], (typeof seen)[number]];
    assert.ok(one.tables.length >= 2, "the sweep and the analysis print tables");
    assert.deepEqual(two.tables, one.tables);
    // The job workers alone with one worker asked for; nested task workers with two.
    assert.ok(
      two.workers > one.workers,
      `${two.workers} workers started with 2 asked, ${one.workers} with 1`,
    );
  });

  it("sweeps any field into line charts, and compares a kept scenario with the form", async () => {
    const page = await open();
    await page.fill("#sweep-from", "1024");
    await page.fill("#sweep-to", "8192");
    await page.click("#sweep");
    await done(page);
    const sweep = (await page.textContent("#whatif")) ?? "";
    assert.match(sweep, /Time to train/);
    assert.match(sweep, /Sweep of cluster\.gpus/);
    await page.selectOption("#sweep-path", "training.sequenceLength");
    await page.fill("#sweep-from", "2048");
    await page.fill("#sweep-to", "16384");
    await page.click("#sweep");
    await done(page);
    assert.match((await page.textContent("#whatif")) ?? "", /Sweep of training\.sequenceLength.*8,?192/s);
    await page.click("#pin");
    await page.fill("#cluster-gpus", "2048");
    await done(page);
    const compare = (await page.textContent("#whatif")) ?? "";
    assert.match(compare, /B against A/);
    assert.match(compare, /GPUs4,0962,048-50\.0%/);
  });

  it("sweeps and compares a serve scenario: serving columns, charts and rows", async () => {
    const page = await open();
    await page.setInputFiles("#upload", join(root, "examples", "serve-h100-llama-70b.yaml"));
    await page.waitForFunction(() =>
      /fleet GPUs/.test(document.querySelector("#summary")?.textContent ?? ""),
    );
    await done(page);
    await page.selectOption("#sweep-path", "serve.demand.users");
    await page.fill("#sweep-from", "1000000");
    await page.fill("#sweep-to", "8000000");
    await page.click("#sweep");
    await done(page);
    const sweep = (await page.textContent("#whatif")) ?? "";
    assert.match(sweep, /Sweep of serve\.demand\.users/);
    assert.match(sweep, /serving GPUs/);
    assert.doesNotMatch(sweep, /MFU/, "a serve-only sweep has no training columns");
    const chart = await page.$$eval("#whatif figure.chart", (figures) =>
      figures.map((f) => `${f.getAttribute("aria-label")} ${f.querySelectorAll("svg").length}`),
    );
    assert.match(
      chart[0] ?? "",
      /^The serving fleet and its \$ per million tokens against serve\.demand\.users.* [1-9]\d*$/,
    );
    await page.click("#pin");
    await page.fill("#serve-demand-users", "2000000");
    await done(page);
    const compare = (await page.textContent("#whatif")) ?? "";
    assert.match(compare, /B against A/);
    assert.match(compare, /\$ per million tokens/);
    assert.match(compare, /serving GPUs[\d,]+[\d,]+\+\d/);
  });
});
