/// <reference lib="dom" />
// The web page's recompute latency: from an input event to the page showing the new plan (the page
// records it as the performance measure "recompute", ending at the next animation frame), in headless
// Chromium against the built app. Run with `npm run bench:web`.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";

const root = fileURLToPath(new URL("..", import.meta.url));
const URL_BASE = "http://127.0.0.1:4173/";
const CHANGES = Number(process.env.CHANGES ?? 30);

const base = {
  model: "llama-3-70b",
  training: { sequenceLength: 8192, globalBatchTokens: 16777216, tokens: 15e12 },
  cluster: { accelerator: "h100-sxm", gpus: 4096 },
  simulation: { trials: 300 },
};
const CASES = [
  {
    name: "single plan (layout pinned)",
    scenario: {
      ...base,
      layout: {
        tp: 8,
        pp: 4,
        cp: 1,
        microBatch: 1,
        virtualStages: 5,
        recompute: "none",
        zero: 1,
        sequenceParallel: true,
      },
    },
  },
  { name: "full layout search (the default page)", scenario: base },
];

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector("#results")?.getAttribute("data-state") === "done",
    null,
    {
      timeout: 120000,
    },
  );
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const server: ChildProcess = spawn(
    process.execPath,
    [join(root, "node_modules/vite/bin/vite.js"), "preview", "--config", "web/vite.config.ts"],
    { cwd: root, stdio: "ignore" },
  );
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(URL_BASE).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const { name, scenario } of CASES) {
      const page = await browser.newPage();
      await page.goto(`${URL_BASE}#${encodeURIComponent(JSON.stringify(scenario))}`);
      await settle(page);
      await page.evaluate(() => performance.clearMeasures("recompute"));
      for (let i = 0; i < CHANGES; i++) {
        await page.fill("#cluster-gpus", i % 2 === 0 ? "8192" : "4096");
        await settle(page);
      }
      const durations = await page.evaluate(() =>
        performance.getEntriesByName("recompute").map((entry) => entry.duration),
      );
      console.log(
        `${name}: ${durations.length} changes, median ${quantile(durations, 0.5).toFixed(1)} ms, ` +
          `P90 ${quantile(durations, 0.9).toFixed(1)} ms (input event to the next frame with the new plan)`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
