import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { buildoutPictureSvg, racksPerSquare, runTimelineSvg } from "../src/charts.ts";
import { main } from "../src/cli/main.ts";
import { type BuildoutReport, buildoutScenario } from "../src/pipeline/buildout.ts";
import { planScenario } from "../src/pipeline/plan.ts";
import { simulateScenario, traceScenarioTrial, withTrials } from "../src/pipeline/simulate.ts";
import { type RunModel, simulateTrials } from "../src/reliability/monte-carlo.ts";
import {
  type ReliabilitySettings,
  runModelOf,
  type SimulationSettings,
  traceRun,
} from "../src/reliability/simulate.ts";
import {
  MAX_TIMELINE_SEGMENTS,
  TIMELINE_BINS,
  TIMELINE_KINDS,
  type TrialTimeline,
  traceTrial,
} from "../src/reliability/trace.ts";
import { loadScenario } from "../src/scenario/normalize.ts";
import { ASYNC_DALY_CHECKPOINT, benchRun200k, llama3Reliability } from "./helpers.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function example(name: string) {
  return loadScenario(readFileSync(join(root, "examples", `${name}.yaml`), "utf8"));
}

function generic(gpus: number): BuildoutReport {
  return buildoutScenario(
    loadScenario(`name: generic\ncluster: { accelerator: h100-sxm, gpus: ${gpus} }\n`).facility,
  );
}

/** Text content of the SVG's text elements, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? "")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&quot;", '"')
      .replaceAll("&#39;", "'")
      .replaceAll("&amp;", "&"),
  );
}

function close(actual: number, expected: number, relative = 1e-9): void {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)),
    `${actual} is not ${expected}`,
  );
}

describe("build-out picture", () => {
  it("draws the racks, block by block past a few hundred, with a legend that says so", () => {
    for (const [gpus, per] of [
      [80, 1],
      [2400, 1],
      [100_000, 20],
      [1_440_000, 200],
    ] as const) {
      const report = generic(gpus);
      const racks = report.result.racks;
      assert.equal(racksPerSquare(racks), per, `${racks} racks`);
      const svg = buildoutPictureSvg(report);
      const squares = svg.match(/class="rack"/g)?.length ?? 0;
      assert.equal(squares, Math.ceil(racks / per), `${racks} racks`);
      assert.ok(squares <= 300);
      const lines = texts(svg);
      assert.ok(lines.includes(`Data hall: ${racks.toLocaleString("en-US")} racks`));
      if (per === 1) assert.ok(lines.some((line) => line.startsWith("= 1 rack:")));
      else
        assert.ok(
          lines.some((line) => line.startsWith(`1 square = ${per.toLocaleString("en-US")} racks`)),
          lines.join("\n"),
        );
    }
    // Colossus: 1,563 racks in blocks of 10, the last block partly full.
    const colossus = buildoutScenario(example("colossus-100k").facility);
    const svg = buildoutPictureSvg(colossus);
    assert.equal(svg.match(/class="rack"/g)?.length, 157);
    assert.match(texts(svg).join(" "), /the last square holds 3 racks/);
  });

  it("names every tier of the fabric with its switch count, links and oversubscription", () => {
    for (const report of [
      buildoutScenario(example("colossus-100k").facility),
      buildoutScenario(example("budget-12b").facility),
      generic(80),
    ]) {
      const net = report.result.network;
      const lines = texts(buildoutPictureSvg(report));
      for (const tier of net.tierDetail) {
        assert.ok(
          lines.includes(`${tier.name}: ${tier.switches.toLocaleString("en-US")} switches`),
          `${tier.name} in ${lines.join(" | ")}`,
        );
        if (tier.uplinks > 0) assert.ok(lines.includes(`${tier.uplinks.toLocaleString("en-US")} links`));
      }
      assert.ok(
        lines.some((line) => line.includes(`${net.tiers}-tier folded Clos`)),
        "the tier count in the heading",
      );
      assert.ok(lines.includes("1:1, non-blocking"));
    }
    // Meta's RoCE cluster: pods of 3,072 GPUs joined at 1:7 above.
    const meta = buildoutScenario(
      loadScenario("name: meta\nsite: meta-24k-roce\ncluster: { accelerator: h100-sxm, gpus: 24576 }\n")
        .facility,
    );
    const lines = texts(buildoutPictureSvg(meta));
    assert.ok(lines.includes("7:1 oversubscribed"), lines.join(" | "));
    assert.ok(lines.includes("pods of 3,072 GPUs"));
  });

  it("labels the power by component so the labels add up to the facility total", () => {
    for (const report of [
      buildoutScenario(example("colossus-100k").facility),
      buildoutScenario(example("budget-12b").facility),
      generic(80),
    ]) {
      const svg = buildoutPictureSvg(report);
      const values = new Map(
        [...svg.matchAll(/data-power="(\w+)"[^>]*>([\d,.]+) (MW|kW)</g)].map((m) => [
          m[1] as string,
          {
            value: Number((m[2] as string).replaceAll(",", "")),
            unit: m[3] as string,
            digits: m[2]?.split(".")[1]?.length ?? 0,
          },
        ]),
      );
      const keys = ["gpus", "serverOther", "switches", "optics", "storage", "overhead"];
      for (const key of [...keys, "facility"]) assert.ok(values.has(key), key);
      const facility = values.get("facility");
      assert.ok(facility);
      const scale = facility.unit === "MW" ? 1 : 1e-3;
      close(facility.value * scale, report.result.power.facilityMegawatts, 0.001);
      const sum = keys.reduce((total, key) => total + (values.get(key)?.value ?? 0), 0);
      // Each label is rounded to the digits shown: six of them differ from the total by three units at most.
      assert.ok(
        Math.abs(sum - facility.value) <= 3 * 10 ** -facility.digits + 1e-9,
        `${sum} vs ${facility.value}`,
      );
      close((values.get("gpus")?.value ?? 0) * scale, report.result.power.peakWatts.gpus / 1e6, 0.01);
    }
  });

  it("escapes a hostile site name and drops what XML forbids", () => {
    const report = buildoutScenario(example("colossus-100k").facility);
    const hostile: BuildoutReport = {
      ...report,
      site: { name: "x", displayName: `<script>alert("x")</script> & 'Co' \u0001\u001b]8;;` },
    };
    const svg = buildoutPictureSvg(hostile);
    assert.doesNotMatch(svg, /<script/);
    assert.match(svg, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;Co&#39;/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none is left
    assert.doesNotMatch(svg, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    // Every tag is closed: a stray "<" or "&" from the name would leave an unbalanced document.
    assert.equal(svg.match(/<text/g)?.length, svg.match(/<\/text>/g)?.length);
    assert.doesNotMatch(svg, /&(?!(amp|lt|gt|quot|#39);)/);
  });

  it("scales to its container", () => {
    const svg = buildoutPictureSvg(generic(1024));
    assert.match(
      svg,
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 600 \d+(\.\d+)?" width="100%"/,
    );
    assert.match(svg, /<title>/);
  });
});

// A 200,000-GPU run on the bench's settings: thousands of interruptions a trial.
const run200k = benchRun200k();
const reliability: ReliabilitySettings = llama3Reliability();
const checkpoint = ASYNC_DALY_CHECKPOINT;

/** Every way the trace must agree with itself and with the trial's outcome. */
function checkConsistent(timeline: TrialTimeline): void {
  const { outcome, segments, totals, bins } = timeline;
  const wall = outcome.wallSeconds;
  close(
    TIMELINE_KINDS.reduce((sum, kind) => sum + totals[kind], 0),
    wall,
  );
  close(totals.training, outcome.usefulSeconds);
  const binned = TIMELINE_KINDS.reduce((sum, kind) => sum + bins.kinds[kind].reduce((a, b) => a + b, 0), 0);
  close(binned, wall);
  for (const kind of TIMELINE_KINDS)
    close(
      bins.kinds[kind].reduce((a, b) => a + b, 0),
      totals[kind],
      1e-6,
    );
  assert.equal(
    bins.failures.reduce((a, b) => a + b, 0),
    outcome.interruptions,
  );
  assert.equal(
    bins.planned.reduce((a, b) => a + b, 0),
    outcome.planned,
  );
  assert.ok(bins.failures.length <= TIMELINE_BINS);
  assert.ok(segments.length <= MAX_TIMELINE_SEGMENTS);
  let clock = 0;
  for (const [i, segment] of segments.entries()) {
    close(segment.start, clock, 1e-9);
    assert.ok(segment.seconds >= 0);
    if (i > 0) assert.notEqual(segment.kind, segments[i - 1]?.kind, "consecutive segments of a kind merge");
    if (segment.kind !== "training") assert.equal(segment.checkpoints, 0);
    clock += segment.seconds;
  }
  if (!timeline.truncated) {
    close(clock, wall);
    const useful = segments
      .filter((s) => s.kind === "training")
      .reduce((sum, s) => sum + s.seconds - s.checkpointSeconds, 0);
    close(useful, outcome.usefulSeconds);
    assert.equal(
      segments.reduce((sum, s) => sum + s.checkpoints, 0),
      outcome.checkpoints,
    );
    for (const kind of ["lost", "recovery", "repair", "planned"] as const) {
      close(
        segments.filter((s) => s.kind === kind).reduce((sum, s) => sum + s.seconds, 0),
        totals[kind],
      );
    }
  } else assert.equal(segments.length, MAX_TIMELINE_SEGMENTS);
}

const base: RunModel = {
  workSeconds: 40 * 86400,
  intervalSeconds: 3600,
  checkpointSeconds: 60,
  causeRates: [1 / 20000, 1 / 60000],
  plannedRatePerSecond: 1 / 200000,
  detectSeconds: 180,
  restartSeconds: 600,
  loadSeconds: 120,
  causeExtraSeconds: [0, 0],
};
// The first cause is hardware: without spares it waits for its repair.
const withRepair = (seconds: number): Pick<RunModel, "causeExtraSeconds"> => ({
  causeExtraSeconds: [seconds, 0],
});

describe("one traced trial", () => {
  it("is the Monte Carlo's own trial, whatever the run", () => {
    const models: RunModel[] = [
      base,
      { ...base, ...withRepair(4 * 3600) },
      { ...base, ...withRepair(600), wearIn: { extra: 3, halfLifeSeconds: 5 * 86400 } },
      { ...base, windowSeconds: 10 * 86400, ...withRepair(3 * 3600) },
      { ...base, plannedRatePerSecond: 0, causeRates: [0], causeExtraSeconds: [0] },
      { ...base, intervalSeconds: 30, checkpointSeconds: 0.5, workSeconds: 5 * 86400 },
    ];
    for (const model of models) {
      const trials = simulateTrials(model, 11, 0, 6).trials;
      for (const index of [0, 5]) {
        const timeline = traceTrial(model, 11, index);
        assert.deepEqual(timeline.outcome, trials[index]);
        checkConsistent(timeline);
      }
    }
    const repair = traceTrial({ ...base, ...withRepair(4 * 3600) }, 11);
    assert.ok(repair.totals.repair > 0 && repair.segments.some((s) => s.kind === "repair"));
    const planned = traceTrial(base, 11);
    assert.ok(planned.outcome.planned > 0 && planned.totals.planned > 0);
    assert.ok(planned.totals.lost > 0 && planned.totals.checkpoint > 0);
  });

  it("matches trial 0 of the scenario's Monte Carlo", () => {
    const scenario = example("llama-3-54-days");
    const plan = planScenario(scenario);
    const timeline = traceScenarioTrial(scenario, plan);
    checkConsistent(timeline);
    assert.equal(timeline.truncated, false);
    // A Monte Carlo of one trial is trial 0: its percentiles are that trial's figures.
    const one = simulateScenario(withTrials(scenario, 1), plan);
    assert.equal(one.interruptions.total.p50, timeline.outcome.interruptions);
    close(one.days.p50, timeline.outcome.wallSeconds / 86400);
    close(one.goodput.p50, timeline.goodput);
    assert.equal(one.checkpoint.mean, timeline.outcome.checkpoints);
  });

  it("stays small for a 200,000-GPU run with thousands of failures", () => {
    const settings: SimulationSettings = { trials: 100, seed: 3, days: 120 };
    const timeline = traceRun(run200k, reliability, checkpoint, settings);
    const { model } = runModelOf(run200k, reliability, checkpoint, settings);
    assert.deepEqual(timeline.outcome, simulateTrials(model, 3, 0, 1).trials[0]);
    assert.ok(timeline.outcome.interruptions > 5000, `${timeline.outcome.interruptions} interruptions`);
    assert.equal(timeline.truncated, true);
    checkConsistent(timeline);
    assert.ok(JSON.stringify(timeline).length < 800_000);
    const svg = runTimelineSvg(timeline);
    assert.ok(svg.length < 150_000, `${svg.length} bytes`);
    // The bundled 200,000-GPU example, as the page and the CLI trace it.
    const scenario = example("colossus-200k");
    const trace = traceScenarioTrial(scenario, planScenario(scenario));
    checkConsistent(trace);
    assert.ok(JSON.stringify(trace).length < 800_000);
    assert.ok(runTimelineSvg(trace).length < 150_000);
  });
});

describe("run timeline picture", () => {
  it("states the trial's days and goodput and gives every lane its total", () => {
    const timeline = traceTrial({ ...base, ...withRepair(4 * 3600) }, 11);
    const svg = runTimelineSvg(timeline, { title: `<b>"A & B"</b>` });
    const lines = texts(svg);
    const all = lines.join(" ");
    assert.match(
      all,
      new RegExp(`${(timeline.outcome.wallSeconds / 86400).toFixed(1)} days of wall-clock time`),
    );
    assert.match(all, new RegExp(`goodput ${(timeline.goodput * 100).toFixed(1)}%`));
    assert.match(all, new RegExp(`${timeline.outcome.interruptions} failures`));
    for (const label of [
      "training that counted",
      "checkpoint stalls",
      "lost work (recomputed after a failure)",
      "detection, restart and checkpoint load",
      "waiting for hardware repair",
      "planned stops",
    ])
      assert.ok(lines.includes(label), label);
    // The lanes' shares add up to the whole run.
    const shares = [...all.matchAll(/, ([\d.]+)%/g)].map((m) => Number(m[1]));
    assert.equal(shares.length, TIMELINE_KINDS.length);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 100) <= 0.3);
    assert.match(svg, /One simulated trial: &lt;b&gt;&quot;A &amp; B&quot;&lt;\/b&gt;/);
    assert.doesNotMatch(svg, /<b>/);
    assert.match(svg, /viewBox="0 0 600 [\d.]+" width="100%"/);
  });

  it("reads in hours or minutes for a short run", () => {
    const timeline = traceTrial(
      { ...base, workSeconds: 3 * 3600, causeRates: [0], plannedRatePerSecond: 0 },
      1,
    );
    assert.match(texts(runTimelineSvg(timeline)).join(" "), /hours from the start of the run/);
  });
});

describe("CLI pictures", () => {
  const scratch = mkdtempSync(join(tmpdir(), "gigacluster-pictures-"));
  const io = { out: () => {}, err: () => {} };

  it("buildout --svg draws the build-out", async () => {
    const file = join(scratch, "buildout.svg");
    assert.equal(await main(["buildout", join(root, "examples", "budget-12b.yaml"), "--svg", file], io), 0);
    const svg = readFileSync(file, "utf8");
    assert.equal(svg, buildoutPictureSvg(buildoutScenario(example("budget-12b").facility)));
  });

  it("simulate --timeline-svg draws trial 0, and --json stays as it was", async () => {
    const file = join(scratch, "timeline.svg");
    const out: string[] = [];
    const capture = { out: (text: string) => out.push(text), err: () => {} };
    const scenarioFile = join(root, "examples", "llama-3-54-days.yaml");
    assert.equal(await main(["simulate", scenarioFile, "--json", "--timeline-svg", file], capture), 0);
    const plain: string[] = [];
    await main(["simulate", scenarioFile, "--json"], { out: (text) => plain.push(text), err: () => {} });
    assert.deepEqual(out, plain);
    const scenario = example("llama-3-54-days");
    const timeline = traceScenarioTrial(scenario, planScenario(scenario));
    assert.equal(readFileSync(file, "utf8"), runTimelineSvg(timeline, { title: scenario.name }));
    assert.equal(
      await main(["simulate", scenarioFile, "--timeline-svg", join(scratch, "missing", "t.svg")], io),
      1,
    );
  });
});
