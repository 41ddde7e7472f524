import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import {
  type BuiltPhase,
  fleetByQuarter,
  MAX_GROWTH_PHASES,
  MAX_GROWTH_QUARTERS,
  MAX_GROWTH_RUNS,
  monthIndex,
} from "../src/facility/phases.ts";
import { growthScenario } from "../src/pipeline/growth.ts";
import { scenarioAtMedians } from "../src/scenario/normalize.ts";
import { resolveGrowth, withGrowthSize } from "../src/scenario/resolve-growth.ts";
import { growthSchema } from "../src/scenario/schema.ts";
import { runCli } from "./helpers.ts";

// A fleet over time: phases with dates, a supply limit, capex and power by quarter, and runs on it.
const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "gigacluster-growth-"));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

function growthOf(file: unknown) {
  const raw = withGrowthSize(file);
  const scenario = scenarioAtMedians(raw);
  return growthScenario(scenario, resolveGrowth(raw, scenario));
}

const phase = (month: number, gpus: number, accelerator = "h100-sxm"): BuiltPhase => ({
  name: `${accelerator} ${month}`,
  month,
  accelerator,
  gpus,
  capexUsd: gpus * 50_000,
  facilityMegawatts: gpus * 0.0018,
  typicalFacilityMegawatts: gpus * 0.0014,
  denseFlopsPerGpu: 989e12,
  electricityUsdPerMegawattHour: 80,
});

/** A small fleet of two H100 phases and a run of a 70B model (quick to plan). */
const small = (dates: [string, string], extra = "") => ({
  name: "small fleet",
  model: "llama-3-70b",
  training: { sequenceLength: 8192, globalBatchSequences: 1024, tokens: 2e12 },
  cluster: { accelerator: "h100-sxm" },
  growth: {
    until: "2027-12",
    phases: [
      { date: dates[0], gpus: 4096 },
      { date: dates[1], gpus: 4096 },
    ],
    runs: [{ name: "70B on 8k", gpus: 8192 }],
    ...(extra ? parseYaml(extra) : {}),
  },
});

describe("growth: the fleet by quarter", () => {
  it("never loses capacity from one quarter to the next (nothing is retired)", () => {
    const phases = [
      phase(monthIndex(2024, 9), 100_000),
      phase(monthIndex(2025, 2), 50_000),
      phase(monthIndex(2025, 7), 110_000, "gb200"),
    ];
    for (const supply of [undefined, 60_000, 250_000]) {
      const { quarters } = fleetByQuarter(phases, supply, monthIndex(2027, 12));
      for (let i = 1; i < quarters.length; i++) {
        const [before, now] = [quarters[i - 1], quarters[i]];
        assert.ok(before && now);
        assert.ok(now.gpus >= before.gpus, `${now.quarter}: ${now.gpus} < ${before.gpus}`);
        assert.ok(now.facilityMegawatts >= before.facilityMegawatts - 1e-9);
        assert.ok(now.denseFlops >= before.denseFlops);
        assert.ok(now.cumulativeCapexUsd >= before.cumulativeCapexUsd);
      }
    }
  });

  it("spreads a phase beyond the supply limit over later quarters", () => {
    const phases = [phase(monthIndex(2026, 7), 100_000), phase(monthIndex(2027, 1), 400_000)];
    const timeline = fleetByQuarter(phases, 500_000, monthIndex(2028, 12));
    for (const q of timeline.quarters) assert.ok(q.addedGpus <= 125_000, `${q.quarter} adds ${q.addedGpus}`);
    const byQuarter = Object.fromEntries(timeline.quarters.map((q) => [q.quarter, q.gpus]));
    assert.equal(byQuarter["2026-Q3"], 100_000);
    assert.equal(byQuarter["2027-Q1"], 225_000);
    assert.equal(byQuarter["2027-Q3"], 475_000);
    assert.equal(byQuarter["2027-Q4"], 500_000);
    assert.equal(timeline.completeMonth[1], monthIndex(2028, 1));
    // Without the limit it all arrives at its date.
    const free = fleetByQuarter(phases, undefined, monthIndex(2028, 12));
    assert.equal(free.quarters.find((q) => q.quarter === "2027-Q1")?.gpus, 500_000);
    assert.equal(free.completeMonth[1], monthIndex(2027, 1));
  });

  it("adds up capex to the phases' build-out capex", () => {
    const raw = parseYaml(readFileSync(join(root, "examples/stargate-uae-growth.yaml"), "utf8"));
    const report = growthOf({ ...raw, growth: { ...raw.growth, runs: [] } });
    const last = report.quarters[report.quarters.length - 1];
    const phases = report.phases.reduce((sum, p) => sum + p.capexUsd, 0);
    const quarters = report.quarters.reduce((sum, q) => sum + q.capexUsd, 0);
    assert.ok(Math.abs((last?.cumulativeCapexUsd ?? 0) - phases) < 1e-6 * phases);
    assert.ok(Math.abs(quarters - phases) < 1e-6 * phases);
    // 200 MW then 1 GW in all: the facility power of the last quarter.
    assert.ok(Math.abs((last?.facilityMegawatts ?? 0) - 1000) < 5, String(last?.facilityMegawatts));
  });

  it("finishes a run no earlier when the phases come later", () => {
    const early = growthOf(small(["2025-01", "2025-06"]));
    const late = growthOf(small(["2025-04", "2025-12"]));
    const [a, b] = [early.runs[0], late.runs[0]];
    assert.ok(a?.placed && b?.placed);
    assert.equal(a.start, "2025-06");
    assert.equal(b.start, "2025-12");
    assert.ok(b.finish >= a.finish, `${b.finish} < ${a.finish}`);
    assert.ok(a.days > 0 && Number.isFinite(a.days));
    assert.equal(early.plansRun, 1);
  });

  it("waits for the supply: a run that needs the whole fleet starts when its last chip is in", () => {
    const report = growthOf(small(["2025-01", "2025-01"], "chipsPerYear: 16384"));
    const run = report.runs[0];
    assert.ok(run?.placed);
    // 4,096 a quarter: the second 4,096 come in the second quarter, online at its end.
    assert.equal(run.start, "2025-07");
  });
});

describe("growth: the command", () => {
  it("states the same limits in the schema as in the code that bounds the work", () => {
    const { phases, runs, until } = growthSchema.shape;
    assert.equal(
      phases.safeParse(Array(MAX_GROWTH_PHASES + 1).fill({ date: "2025-01", gpus: 8 })).success,
      false,
    );
    assert.equal(phases.safeParse(Array(MAX_GROWTH_PHASES).fill({ date: "2025-01", gpus: 8 })).success, true);
    assert.equal(runs.safeParse(Array(MAX_GROWTH_RUNS + 1).fill({ name: "r" })).success, false);
    assert.equal(runs.safeParse(Array(MAX_GROWTH_RUNS).fill({ name: "r" })).success, true);
    assert.match(String(until.unwrap().meta()?.description), new RegExp(`${MAX_GROWTH_QUARTERS} quarters`));
  });

  it("prints the quarters, the runs and draws a chart", async () => {
    const svg = join(scratch, "growth.svg");
    const { code, stdout, stderr } = await runCli(
      "growth",
      file("ok.yaml", JSON.stringify(small(["2025-01", "2025-06"]))),
      "--svg",
      svg,
    );
    assert.equal(code, 0, stderr);
    for (const heading of ["Phases", "Quarter by quarter", "Runs"]) assert.match(stdout, new RegExp(heading));
    assert.doesNotMatch(stdout, /NaN|Infinity|undefined/);
    assert.match(readFileSync(svg, "utf8"), /^<svg/);
    const json = await runCli("growth", join(scratch, "ok.yaml"), "--json");
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.quarters[0].quarter, "2025-Q1");
    assert.equal(parsed.phases[1].month, "2025-06");
  });

  const bad: [string, (s: ReturnType<typeof small>) => unknown, RegExp][] = [
    [
      "a date not YYYY-MM",
      (s) => ({ ...s, growth: { ...s.growth, phases: [{ date: "2025-13", gpus: 8 }] } }),
      /growth\.phases\.0\.date/,
    ],
    [
      "phases out of order",
      (s) => ({
        ...s,
        growth: {
          ...s.growth,
          phases: [...s.growth.phases]
            .reverse()
            .map((p, i) => ({ ...p, date: i === 0 ? "2026-01" : "2025-01" })),
        },
      }),
      /growth\.phases\.1\.date.*no earlier/,
    ],
    [
      "an unknown accelerator",
      (s) => ({
        ...s,
        growth: { ...s.growth, phases: [{ date: "2025-01", gpus: 8, accelerator: "h1000" }] },
      }),
      /growth\.phases\.0\.accelerator/,
    ],
    [
      "two sizes in one phase",
      (s) => ({ ...s, growth: { ...s.growth, phases: [{ date: "2025-01", gpus: 8, megawatts: 10 }] } }),
      /growth\.phases\.0/,
    ],
    [
      "an until beyond 80 quarters",
      (s) => ({ ...s, growth: { ...s.growth, until: "2060-01" } }),
      /growth\.until/,
    ],
    [
      "more than 40 phases",
      (s) => ({
        ...s,
        growth: { ...s.growth, phases: Array.from({ length: 41 }, () => ({ date: "2025-01", gpus: 8 })) },
      }),
      /growth\.phases/,
    ],
  ];
  for (const [what, edit, message] of bad) {
    it(`refuses ${what}, naming the field (exit 1)`, async () => {
      const { code, stderr } = await runCli(
        "growth",
        file("bad.yaml", JSON.stringify(edit(small(["2025-01", "2025-06"])))),
      );
      assert.equal(code, 1, stderr);
      assert.match(stderr, message);
    });
  }

  it("asks for a growth section when the file has none", async () => {
    const { code, stderr } = await runCli("growth", join(root, "examples/colossus-100k.yaml"));
    assert.equal(code, 1);
    assert.match(stderr, /growth/);
  });
});
