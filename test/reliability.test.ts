import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand";
import { FAILURE_MIXES } from "../src/catalog/failure-mixes.ts";
import { lookup } from "../src/catalog/lookup.ts";
import { NETWORK_GEAR } from "../src/catalog/network-gear.ts";
import { PLATFORMS } from "../src/catalog/platforms.ts";
import { SITES } from "../src/catalog/sites.ts";
import { buildout } from "../src/facility/buildout.ts";
import { planScenario } from "../src/pipeline/plan.ts";
import { simulateScenario } from "../src/pipeline/simulate.ts";
import { dalyIntervalSeconds, youngIntervalSeconds } from "../src/reliability/checkpoint.ts";
import { standardExponential } from "../src/reliability/exponential.ts";
import { simulateTrials } from "../src/reliability/monte-carlo.ts";
import {
  type CheckpointSettings,
  hardwareWaitSeconds,
  type ReliabilitySettings,
  type RunInput,
  runModelOf,
  simulateRun,
} from "../src/reliability/simulate.ts";
import { normalizeScenario } from "../src/scenario/normalize.ts";
import { accelerator, llama3Reliability, relativeError, TECTONIC_STORAGE } from "./helpers.ts";

const llama3 = lookup(FAILURE_MIXES, "llama-3", "", "");
const cluster16k = buildout({
  accelerator: accelerator("h100-sxm"),
  platform: lookup(PLATFORMS, "hgx-h100", "", ""),
  gear: lookup(NETWORK_GEAR, "infiniband-ndr", "", ""),
  site: lookup(SITES, "generic-2025", "", ""),
  gpus: 16384,
});
/** Llama 3 405B on 16,384 H100: ~6.2 s steps, a 5.7 TB checkpoint (405.85B x 14 bytes). */
const run: RunInput = {
  gpus: 16384,
  gpusPerNode: 8,
  gpusPerRack: 8,
  dataParallel: 128,
  stepSeconds: 6.2,
  steps: 929833,
  checkpointBytes: 405.85e9 * 14,
  peerBytesPerSecondPerGpu: 40e9,
  buildout: cluster16k,
};
const reliability: ReliabilitySettings = llama3Reliability();
const checkpoint: CheckpointSettings = {
  mode: "sync",
  interval: "daly",
  storage: TECTONIC_STORAGE,
};

describe("rack-wide failures on NVL72", () => {
  const nvl72 = lookup(FAILURE_MIXES, "nvl72-rack", "", "");
  const rackCause = nvl72.causes.find((c) => c.scope === "rack");
  const nodeCause = nvl72.causes.find((c) => c.hardware && c.scope === undefined);
  // 4,608 GPUs in replicas of tp 4 x pp 8 = 32 GPUs: dp 144; NVL72 racks of 72 GPUs, trays of 4.
  const job = { gpus: 4608, dataParallel: 144, gpusPerNode: 4, gpusPerRack: 72 };
  const shrink = { spares: false, shrink: true, repairSeconds: 4 * 3600 };

  it("takes out every replica the rack holds, where a tray takes out one", () => {
    assert.ok(rackCause && nodeCause);
    // 72 GPUs span ceil(72 / 32) = 3 replicas; a 4-GPU tray sits in one.
    assert.equal(hardwareWaitSeconds(rackCause, job, shrink), (4 * 3600 * 3) / 144);
    assert.equal(hardwareWaitSeconds(nodeCause, job, shrink), (4 * 3600 * 1) / 144);
    // Without shrink both wait for the repair; with spares neither waits.
    assert.equal(hardwareWaitSeconds(rackCause, job, { ...shrink, shrink: false }), 4 * 3600);
    assert.equal(hardwareWaitSeconds(rackCause, job, { ...shrink, spares: true }), 0);
    // Software failures never wait for a repair.
    const software = nvl72.causes.find((c) => !c.hardware);
    assert.ok(software);
    assert.equal(hardwareWaitSeconds(software, job, shrink), 0);
  });

  it("keeps Llama 3's total rate, with the switch and power causes rack-wide", () => {
    const total = (mix: typeof nvl72) => mix.causes.reduce((sum, c) => sum + c.ratePerGpuHour, 0);
    assert.ok(relativeError(total(nvl72), total(llama3)) < 1e-12);
    assert.deepEqual(
      nvl72.causes.filter((c) => c.scope === "rack").map((c) => c.name),
      ["network switch/cable (rack-wide)", "power supply (rack-wide)"],
    );
  });
});

describe("checkpoint intervals", () => {
  it("Young: sqrt(2 delta M); a 5-minute checkpoint and a 24-hour MTBF give 2 hours", () => {
    assert.equal(youngIntervalSeconds(300, 86400), 7200);
  });

  it("Daly: sqrt(2 delta M)(1 + sqrt(x)/3 + x/9) - delta, x = delta/2M; 7,001.4 s for the same case", () => {
    // Worked by hand: x = 300/172800; 7200 x (1 + 0.0138889 + 0.0001929) - 300 = 7001.39 s.
    assert.ok(Math.abs(dalyIntervalSeconds(300, 86400) - 7001.39) < 0.01);
    // Daly's rule for checkpoints slower than 2M: checkpoint every M.
    assert.equal(dalyIntervalSeconds(500, 200), 200);
  });
});

describe("run simulation", () => {
  it("reproduces Llama 3's 54-day snapshot: ~419 unexpected interruptions and over 90% effective training time", () => {
    // Llama 3 (arXiv 2407.21783) section 3.3.4: 419 unexpected interruptions in 54 days on 16,384 H100,
    // effective training time above 90%. Tolerance: 5% on the count (Monte Carlo mean of 500 windows).
    const result = simulateRun(run, reliability, checkpoint, { trials: 500, seed: 3, days: 54 });
    assert.ok(relativeError(result.interruptions.mean, 419) < 0.05, `${result.interruptions.mean}`);
    assert.ok(result.goodput.p50 > 0.9, `${result.goodput.p50}`);
    assert.ok(
      (result.interruptions.byCause["faulty GPU"] ?? 0) >
        (result.interruptions.byCause["GPU HBM3 memory"] ?? 0),
    );
  });

  it("agrees with Daly's closed form where it applies (within 1% on the mean)", () => {
    const noPlanned: ReliabilitySettings = { ...reliability, mix: { ...llama3, plannedPerDay: 0 } };
    for (const scale of [0.3, 1, 4]) {
      const result = simulateRun(run, { ...noPlanned, rateScale: scale }, checkpoint, {
        trials: 400,
        seed: 11,
      });
      assert.ok(result.analytic);
      assert.ok(relativeError(result.days.mean, result.analytic.days) < 0.01, `scale ${scale}`);
    }
  });

  it("gives the same numbers for the same seed, however the trials are chunked", () => {
    const { model } = runModelOf(run, reliability, checkpoint, { trials: 40, seed: 5 });
    const whole = simulateTrials(model, 5, 0, 40).trials;
    const parts = [...simulateTrials(model, 5, 0, 13).trials, ...simulateTrials(model, 5, 13, 40).trials];
    assert.deepEqual(parts, whole);
    assert.notDeepEqual(simulateTrials(model, 6, 0, 40).trials, whole);
  });

  it("waits for repair without spares, and loses less by shrinking the data-parallel group", () => {
    const spare = simulateRun(run, reliability, checkpoint, { trials: 100, seed: 2 }).days.mean;
    const wait = simulateRun(run, { ...reliability, spares: false }, checkpoint, { trials: 100, seed: 2 })
      .days.mean;
    const shrink = simulateRun(run, { ...reliability, spares: false, shrink: true }, checkpoint, {
      trials: 100,
      seed: 2,
    }).days.mean;
    assert.ok(wait > shrink && shrink > spare);
  });
});

describe("run simulation invariants", () => {
  const settings = fc.record({
    rateScale: fc.double({ min: 0.05, max: 10, noNaN: true }),
    factor: fc.double({ min: 1.5, max: 5, noNaN: true }),
    aggregateWrite: fc.double({ min: 5e10, max: 5e12, noNaN: true }),
  });

  it("goodput never exceeds 1 and falls as failures rise or checkpoints slow down", () => {
    fc.assert(
      fc.property(settings, ({ rateScale, factor, aggregateWrite }) => {
        const ck = {
          ...checkpoint,
          storage: { ...checkpoint.storage, aggregateWriteBytesPerSecond: aggregateWrite },
        };
        const base = simulateRun(run, { ...reliability, rateScale }, ck, { trials: 60, seed: 9 });
        const moreFailures = simulateRun(run, { ...reliability, rateScale: rateScale * factor }, ck, {
          trials: 60,
          seed: 9,
        });
        const slowerWrites = simulateRun(
          run,
          { ...reliability, rateScale },
          { ...ck, storage: { ...ck.storage, aggregateWriteBytesPerSecond: aggregateWrite / factor } },
          { trials: 60, seed: 9 },
        );
        assert.ok(base.goodput.p90 <= 1);
        assert.ok(moreFailures.goodput.mean < base.goodput.mean);
        assert.ok(slowerWrites.goodput.mean < base.goodput.mean);
      }),
      { numRuns: 25 },
    );
  });
});

describe("exponential variates (ziggurat)", () => {
  it("match the exponential distribution's mean, variance and tail", () => {
    const rng = xoroshiro128plus(7);
    const n = 400000;
    const thresholds = [0.1, 1, 3, 8];
    const above = thresholds.map(() => 0);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = standardExponential(rng);
      sum += x;
      squares += x * x;
      thresholds.forEach((t, j) => {
        if (x > t) above[j] = (above[j] ?? 0) + 1;
      });
    }
    const mean = sum / n;
    assert.ok(Math.abs(mean - 1) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(squares / n - mean * mean - 1) < 0.02);
    thresholds.forEach((t, j) => {
      const expected = Math.exp(-t);
      const sd = Math.sqrt((expected * (1 - expected)) / n);
      assert.ok(Math.abs((above[j] ?? 0) / n - expected) < 5 * sd + 1e-6, `P(X > ${t})`);
    });
  });
});

describe("run of a scenario without a site", () => {
  it("simulates a rack-scale GB200 system on the generic site (its rack is liquid-cooled)", () => {
    const scenario = normalizeScenario({
      model: "llama-3-70b",
      training: { sequenceLength: 8192, globalBatchTokens: 16777216, tokens: 1e12 },
      cluster: { accelerator: "gb200", gpus: 4608 },
      simulation: { trials: 20 },
    });
    const run = simulateScenario(scenario, planScenario(scenario));
    assert.ok(run.costUsd.p50 > 0 && run.energyMegawattHours.p50 > 0);
  });
});
