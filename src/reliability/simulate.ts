import type { FailureCause, FailureMix } from "../catalog/failure-mixes.ts";
import type { RecoveryPractice } from "../catalog/recovery-presets.ts";
import { nowMilliseconds } from "../clock.ts";
import { InfeasibleError, InputError } from "../errors.ts";
import type { BuildoutResult } from "../facility/buildout.ts";
import { limitText, MAX_EVENTS_PER_TRIAL, MAX_SIMULATED_EVENTS } from "../limits.ts";
import { formatGrouped, formatSeconds, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../units.ts";
import { expectedWallSeconds } from "./analytic.ts";
import {
  type CheckpointMode,
  type CheckpointStorage,
  checkpointCost,
  dalyIntervalSeconds,
  youngIntervalSeconds,
} from "./checkpoint.ts";
import {
  interruptionRates,
  type MonteCarloResult,
  type RunModel,
  simulateTrials,
  type TrialOutcome,
} from "./monte-carlo.ts";
import {
  type CauseRecoveryExtra,
  causeRecoveryExtra,
  extraSeconds,
  poissonAtLeast,
  restartSecondsAt,
} from "./recovery.ts";
import type { RecoverySummary } from "./recovery-analysis.ts";
import { type TrialTimeline, traceTrial } from "./trace.ts";

export interface ReliabilitySettings {
  readonly mix: FailureMix;
  /** Multiplies every cause's rate (a newer or older fleet). */
  readonly rateScale: number;
  readonly detectSeconds: number;
  readonly restartSeconds: number;
  /** Hot spares: a failed node is swapped at once. Without them, hardware failures wait for repair. */
  readonly spares: boolean;
  readonly repairSeconds: number;
  /** Without spares, carry on with one data-parallel replica fewer until the repair, instead of waiting. */
  readonly shrink: boolean;
  /** Throughput lost to stragglers and degraded nodes (Llama 3: 1-2% diurnal swings). */
  readonly stragglerSlowdown: number;
  readonly wearIn?: { readonly extra: number; readonly halfLifeSeconds: number };
  /**
   * How the site recovers (reliability.recovery). Absent: today's model, detectSeconds and
   * restartSeconds as given, every figure unchanged. Present: its detection and restart replace them.
   */
  readonly recovery?: RecoveryPractice;
}

/** The slowdown left after the practice's straggler eviction. */
export function effectiveStragglerSlowdown(
  reliability: Pick<ReliabilitySettings, "stragglerSlowdown" | "recovery">,
): number {
  return reliability.stragglerSlowdown * (1 - (reliability.recovery?.stragglerEvictedShare ?? 0));
}

export interface CheckpointSettings {
  readonly mode: CheckpointMode;
  /** Fixed compute seconds between checkpoints, or the optimum by Young's or Daly's formula. */
  readonly interval: number | "young" | "daly";
  readonly storage: CheckpointStorage;
}

export interface SimulationSettings {
  readonly trials: number;
  readonly seed: number;
  /** Simulate this many wall-clock days instead of running the job to completion. */
  readonly days?: number;
}

export interface RunInput {
  readonly gpus: number;
  readonly gpusPerNode: number;
  /** GPUs a rack-wide failure takes out: the whole NVL72 rack, else one server. */
  readonly gpusPerRack: number;
  readonly dataParallel: number;
  readonly stepSeconds: number;
  /** Steps to finish; absent when only a window is simulated. */
  readonly steps?: number;
  readonly checkpointBytes: number;
  readonly peerBytesPerSecondPerGpu: number;
  /** Power and money of the cluster, from its build-out. */
  readonly buildout: BuildoutResult;
}

export interface Percentiles {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly mean: number;
}

/** The run's figures given as P10/P50/P90 over the trials. */
export type RunPercentile = "days" | "goodput" | "interruptions" | "energyMegawattHours" | "costUsd";

export function runPercentiles(result: SimulationResult): Readonly<Record<RunPercentile, Percentiles>> {
  return {
    days: result.days,
    goodput: result.goodput,
    interruptions: result.interruptions.total,
    energyMegawattHours: result.energyMegawattHours,
    costUsd: result.costUsd,
  };
}

export interface SimulationResult {
  readonly trials: number;
  readonly seed: number;
  readonly windowDays?: number;
  readonly mtbfHours: number;
  readonly checkpoint: {
    readonly bytes: number;
    readonly mode: CheckpointMode;
    readonly method: "fixed" | "young" | "daly";
    readonly intervalSeconds: number;
    readonly youngSeconds: number;
    readonly dalySeconds: number;
    readonly blockingSeconds: number;
    readonly writeSeconds: number;
    readonly loadSeconds: number;
    readonly mean: number;
  };
  readonly interruptions: {
    readonly mean: number;
    readonly planned: number;
    readonly byCause: Readonly<Record<string, number>>;
    readonly total: Percentiles;
  };
  readonly goodput: Percentiles;
  readonly days: Percentiles;
  /** Goodput over the trials, in 20 bins. */
  readonly goodputHistogram: Histogram;
  /** Wall-clock days over the trials, in 20 bins (all in one bin for a fixed window). */
  readonly daysHistogram: Histogram;
  readonly energyMegawattHours: Percentiles;
  /** GPUs held x wall-clock hours x $ per GPU-hour (the build-out's). */
  readonly costUsd: Percentiles;
  /** The GPUs the run holds (the whole build-out, idle ones included) and their price per hour. */
  readonly gpusHeld: number;
  readonly usdPerGpuHour: number;
  /** Daly's closed form for the same run, where it applies (no planned stops, spares, no wear-in). */
  readonly analytic?: { readonly days: number; readonly goodput: number };
  /** With reliability.recovery set: the practice, its restart at this size, the ladder and the losses. */
  readonly recovery?: RecoverySummary;
  readonly seconds: number;
}

/** Facility power of idle GPUs relative to training draw (hosts, fabric and cooling stay on). */
const IDLE_POWER_FRACTION = 0.5;

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9), mean };
}

export type Histogram = readonly { readonly from: number; readonly to: number; readonly count: number }[];

function histogram(values: number[], bins: number): Histogram {
  // A loop, not Math.min(...values): a million trials would overflow the call stack.
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const width = high > low ? (high - low) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const i = Math.min(bins - 1, Math.floor((v - low) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ from: low + i * width, to: low + (i + 1) * width, count }));
}

/**
 * The wait a failure adds beyond detection, restart and load. Software: none. Hardware with spares:
 * none (a spare node, or a spare rack for a rack-wide failure, is swapped in). Without spares: the
 * repair; with shrink, the job runs without the data-parallel replicas the failed node or rack held
 * until the repair, which costs the repair time x the share of replicas lost.
 */
export function hardwareWaitSeconds(
  cause: FailureCause,
  run: Pick<RunInput, "gpus" | "dataParallel" | "gpusPerNode" | "gpusPerRack">,
  reliability: Pick<ReliabilitySettings, "spares" | "shrink" | "repairSeconds">,
): number {
  if (!cause.hardware || reliability.spares) return 0;
  if (!reliability.shrink) return reliability.repairSeconds;
  const blastGpus = cause.scope === "rack" ? run.gpusPerRack : run.gpusPerNode;
  const replicaGpus = run.gpus / run.dataParallel;
  const lost = Math.min(run.dataParallel, Math.ceil(blastGpus / replicaGpus));
  return (reliability.repairSeconds * lost) / run.dataParallel;
}

export function runModelOf(
  run: RunInput,
  reliability: ReliabilitySettings,
  checkpoint: CheckpointSettings,
  settings: SimulationSettings,
): { model: RunModel; result: Omit<SimulationResult["checkpoint"], "mean">; mtbfSeconds: number } {
  const { gpus } = run;
  const recovery = reliability.recovery;
  const mode = recovery?.checkpointMode ?? checkpoint.mode;
  const causeRates = reliability.mix.causes.map(
    (c) => (c.ratePerGpuHour * reliability.rateScale * gpus) / SECONDS_PER_HOUR,
  );
  const unexpected = causeRates.reduce((a, b) => a + b, 0);
  const mtbfSeconds = unexpected > 0 ? 1 / unexpected : Number.POSITIVE_INFINITY;
  const cost = checkpointCost(
    run.checkpointBytes,
    gpus,
    run.gpusPerNode,
    mode,
    checkpoint.storage,
    run.peerBytesPerSecondPerGpu,
  );
  const young = youngIntervalSeconds(cost.blockingSeconds, mtbfSeconds);
  const daly = dalyIntervalSeconds(cost.blockingSeconds, mtbfSeconds);
  const method = typeof checkpoint.interval === "number" ? "fixed" : checkpoint.interval;
  let interval =
    typeof checkpoint.interval === "number" ? checkpoint.interval : method === "young" ? young : daly;
  // At least one step between checkpoints; without failures, no periodic checkpoints are needed.
  interval = Math.max(run.stepSeconds, Number.isFinite(interval) ? interval : Number.MAX_SAFE_INTEGER);
  if (run.steps === undefined && settings.days === undefined) {
    throw new InputError(
      "training.tokens",
      undefined,
      "a token budget, or simulation.days to simulate a window",
    );
  }
  const slowdown = effectiveStragglerSlowdown(reliability);
  const work = ((run.steps ?? 0) * run.stepSeconds) / (1 - slowdown);
  const parts = recovery
    ? causeExtrasOf(run, reliability, recovery, mode, checkpoint, causeRates)
    : undefined;
  const causeExtraSeconds = parts
    ? parts.map(extraSeconds)
    : reliability.mix.causes.map((cause) => hardwareWaitSeconds(cause, run, reliability));
  const model: RunModel = {
    workSeconds: run.steps === undefined ? Number.MAX_SAFE_INTEGER : work,
    intervalSeconds: interval,
    checkpointSeconds: cost.blockingSeconds,
    causeRates,
    plannedRatePerSecond: (reliability.mix.plannedPerDay * reliability.rateScale) / SECONDS_PER_DAY,
    detectSeconds: recovery ? recovery.detectSeconds : reliability.detectSeconds,
    restartSeconds: recovery ? restartSecondsAt(recovery, gpus) : reliability.restartSeconds,
    loadSeconds: cost.loadSeconds,
    causeExtraSeconds,
    ...(parts ? { causeExtraParts: parts } : {}),
    ...(reliability.wearIn ? { wearIn: reliability.wearIn } : {}),
    ...(settings.days !== undefined ? { windowSeconds: settings.days * SECONDS_PER_DAY } : {}),
  };
  return {
    model,
    mtbfSeconds,
    result: {
      bytes: run.checkpointBytes,
      mode,
      method,
      intervalSeconds: interval,
      youngSeconds: young,
      dalySeconds: daly,
      blockingSeconds: cost.blockingSeconds,
      writeSeconds: cost.writeSeconds,
      loadSeconds: cost.loadSeconds,
    },
  };
}

/** The chance a hardware failure finds the spare pool empty (0 with unlimited spares or none at all). */
export function sparesShortChance(
  run: Pick<RunInput, "gpus" | "gpusPerNode" | "gpusPerRack">,
  reliability: Pick<ReliabilitySettings, "spares" | "repairSeconds" | "mix">,
  recovery: Pick<RecoveryPractice, "spareNodesPerThousand">,
  causeRates: readonly number[],
): number {
  if (!reliability.spares) return 1;
  if (recovery.spareNodesPerThousand === undefined) return 0;
  const nodes = Math.ceil(run.gpus / run.gpusPerNode);
  const pool = Math.floor((nodes * recovery.spareNodesPerThousand) / 1000);
  const nodesPerRack = Math.max(1, Math.ceil(run.gpusPerRack / run.gpusPerNode));
  // Nodes that go to repair per second: hardware failures, a rack-wide one taking its rack's nodes.
  const nodesFailing = reliability.mix.causes.reduce(
    (sum, cause, i) =>
      cause.hardware ? sum + (causeRates[i] ?? 0) * (cause.scope === "rack" ? nodesPerRack : 1) : sum,
    0,
  );
  return poissonAtLeast(nodesFailing * reliability.repairSeconds, pool);
}

function causeExtrasOf(
  run: RunInput,
  reliability: ReliabilitySettings,
  recovery: RecoveryPractice,
  mode: CheckpointMode,
  checkpoint: CheckpointSettings,
  causeRates: readonly number[],
): CauseRecoveryExtra[] {
  const short = sparesShortChance(run, reliability, recovery, causeRates);
  // The durable copy is read back at the store's rate, as a synchronous checkpoint would be.
  const storageLoad = checkpointCost(
    run.checkpointBytes,
    run.gpus,
    run.gpusPerNode,
    "sync",
    checkpoint.storage,
    run.peerBytesPerSecondPerGpu,
  ).loadSeconds;
  return reliability.mix.causes.map((cause) =>
    causeRecoveryExtra(
      cause,
      recovery,
      mode,
      hardwareWaitSeconds(cause, run, { ...reliability, spares: false }),
      short,
      storageLoad,
    ),
  );
}

/**
 * Interruptions one trial is expected to take. Each checkpoint cycle of length c = interval + stall
 * restarts after every interruption, at a cost of the recovery R: with interruptions at rate r its
 * expected wall time is (1/r + R)(e^(r c) - 1), and the trial sees r times that (the restart model
 * behind Daly 2006). A fixed window sees r x the window.
 */
export function expectedInterruptionsPerTrial(model: RunModel): number {
  const rate = interruptionRates(model).peak;
  if (rate <= 0) return 0;
  if (model.windowSeconds !== undefined) return rate * model.windowSeconds;
  const cycle = model.intervalSeconds + model.checkpointSeconds;
  const totalRate = model.causeRates.reduce((a, b) => a + b, 0);
  const meanExtra =
    totalRate > 0
      ? model.causeRates.reduce((sum, r, i) => sum + r * (model.causeExtraSeconds[i] ?? 0), 0) / totalRate
      : 0;
  const recovery = model.detectSeconds + model.restartSeconds + model.loadSeconds + meanExtra;
  const cycles = model.workSeconds / model.intervalSeconds;
  const exponent = rate * Math.min(cycle, model.workSeconds + model.checkpointSeconds);
  if (exponent > 700) return Number.POSITIVE_INFINITY;
  return cycles * (1 + rate * recovery) * Math.expm1(exponent);
}

/** Refuses a simulation that cannot finish, or whose trials would take more than the work limit. */
function checkSimulationWork(model: RunModel, settings: SimulationSettings): void {
  const perTrial = expectedInterruptionsPerTrial(model);
  if (perTrial > MAX_EVENTS_PER_TRIAL) {
    const { unexpected, planned } = interruptionRates(model);
    const rate = unexpected + planned;
    throw new InfeasibleError(
      `the run cannot finish: an interruption every ${formatSeconds(1 / rate)} on average against checkpoint cycles of ` +
        `${formatSeconds(model.intervalSeconds + model.checkpointSeconds)} and recoveries of ` +
        `${formatSeconds(model.detectSeconds + model.restartSeconds + model.loadSeconds)}: about ` +
        `${perTrial.toExponential(1)} interruptions per run (at most ${limitText(MAX_EVENTS_PER_TRIAL)}). ` +
        "Lower reliability.rateScale, shorten recoveries, or simulate a window (simulation.days).",
    );
  }
  const total = perTrial * settings.trials;
  if (total > MAX_SIMULATED_EVENTS) {
    const trials = Math.max(1, Math.floor(MAX_SIMULATED_EVENTS / Math.max(perTrial, 1)));
    const field =
      model.windowSeconds !== undefined && perTrial * 10 > MAX_SIMULATED_EVENTS
        ? "simulation.days"
        : "simulation.trials";
    throw new InputError(
      field,
      field === "simulation.days" ? settings.days : settings.trials,
      `a simulation of at most ${limitText(MAX_SIMULATED_EVENTS)} interruptions in all trials: this one would draw ` +
        `about ${formatGrouped(Math.round(perTrial))} per trial` +
        (field === "simulation.trials" ? `, so at most ${limitText(trials)} trials` : "; a shorter window"),
    );
  }
}

/** A range of trials: `from` (inclusive) to `to` (exclusive). */
export interface TrialChunk {
  readonly from: number;
  readonly to: number;
}

/**
 * The Monte Carlo's chunks in the order they merge: about 50 (progress steps) of at most 500 trials.
 * Whoever computes them, merged in this order they give the same bytes (the sums run in one order).
 */
export function trialChunks(trials: number): TrialChunk[] {
  const size = Math.max(1, Math.min(500, Math.ceil(trials / 50)));
  const chunks: TrialChunk[] = [];
  for (let from = 0; from < trials; from += size) chunks.push({ from, to: Math.min(trials, from + size) });
  return chunks;
}

/**
 * The model `simulateRun` draws its trials from, checked against the work limits: what another thread
 * needs to compute chunks (`simulateTrials(model, seed, from, to)`) and hand them back to `simulateRun`.
 */
export function simulationModel(
  run: RunInput,
  reliability: ReliabilitySettings,
  checkpoint: CheckpointSettings,
  settings: SimulationSettings,
): RunModel {
  const { model } = runModelOf(run, reliability, checkpoint, settings);
  checkSimulationWork(model, settings);
  return model;
}

/**
 * The whole Monte Carlo, in chunks so a caller can show progress (same numbers either way). `computed`:
 * the chunks of `trialChunks(settings.trials)` already run elsewhere (worker threads), in that order.
 */
export function simulateRun(
  run: RunInput,
  reliability: ReliabilitySettings,
  checkpoint: CheckpointSettings,
  settings: SimulationSettings,
  onProgress?: (done: number, total: number) => void,
  computed?: readonly MonteCarloResult[],
): SimulationResult {
  const started = nowMilliseconds();
  const { model, result: checkpointResult, mtbfSeconds } = runModelOf(run, reliability, checkpoint, settings);
  checkSimulationWork(model, settings);
  const outcomes: TrialOutcome[] = [];
  const byCause = new Array<number>(model.causeRates.length).fill(0);
  const chunks = trialChunks(settings.trials);
  if (computed && computed.length !== chunks.length) {
    throw new Error(`simulateRun: ${computed.length} computed chunks for ${chunks.length}`);
  }
  for (const [index, { from, to }] of chunks.entries()) {
    const part = computed?.[index] ?? simulateTrials(model, settings.seed, from, to);
    if (part.trials.length !== to - from)
      throw new Error(`simulateRun: chunk ${index} is not ${from}..${to}`);
    outcomes.push(...part.trials);
    part.meanByCause.forEach((mean, i) => {
      byCause[i] = (byCause[i] ?? 0) + mean * (to - from);
    });
    onProgress?.(to, settings.trials);
  }
  const b = run.buildout;
  const typicalMegawatts = b.power.typicalFacilityMegawatts;
  // The run holds every GPU of the build-out for its wall-clock hours, each at the build-out's price of
  // a GPU-hour: the cost a renter pays, and what the report's GPU-hours and $ per GPU-hour multiply to.
  const usdPerHeldHour = b.gpus * b.cost.usdPerGpuHour;
  // Goodput counts compute at the ideal rate: time lost to stragglers is not good.
  const pace = 1 - effectiveStragglerSlowdown(reliability);
  const goodputs = outcomes.map((o) => (o.usefulSeconds * pace) / o.wallSeconds);
  const hours = outcomes.map((o) => o.wallSeconds / SECONDS_PER_HOUR);
  const days = hours.map((h) => h / 24);
  const simple =
    reliability.mix.plannedPerDay === 0 &&
    (reliability.spares || reliability.repairSeconds === 0) &&
    !reliability.wearIn &&
    settings.days === undefined &&
    model.causeExtraSeconds.every((seconds) => seconds === 0);
  const analyticWall = expectedWallSeconds({
    workSeconds: model.workSeconds,
    intervalSeconds: model.intervalSeconds,
    checkpointSeconds: model.checkpointSeconds,
    mtbfSeconds,
    recoverySeconds: model.detectSeconds + model.restartSeconds + model.loadSeconds,
  });
  return {
    trials: settings.trials,
    seed: settings.seed,
    ...(settings.days !== undefined ? { windowDays: settings.days } : {}),
    mtbfHours: mtbfSeconds / SECONDS_PER_HOUR,
    checkpoint: {
      ...checkpointResult,
      mean: outcomes.reduce((sum, o) => sum + o.checkpoints, 0) / Math.max(1, outcomes.length),
    },
    interruptions: {
      mean: outcomes.reduce((sum, o) => sum + o.interruptions, 0) / Math.max(1, outcomes.length),
      planned: outcomes.reduce((sum, o) => sum + o.planned, 0) / Math.max(1, outcomes.length),
      byCause: Object.fromEntries(
        reliability.mix.causes.map((c, i) => [c.name, (byCause[i] ?? 0) / Math.max(1, settings.trials)]),
      ),
      total: percentiles(outcomes.map((o) => o.interruptions)),
    },
    goodput: percentiles(goodputs),
    days: percentiles(days),
    goodputHistogram: histogram(goodputs, 20),
    daysHistogram: histogram(days, 20),
    energyMegawattHours: percentiles(
      hours.map(
        (h, i) =>
          h * typicalMegawatts * ((goodputs[i] ?? 1) + (1 - (goodputs[i] ?? 1)) * IDLE_POWER_FRACTION),
      ),
    ),
    costUsd: percentiles(hours.map((h) => usdPerHeldHour * h)),
    gpusHeld: b.gpus,
    usdPerGpuHour: b.cost.usdPerGpuHour,
    ...(simple && run.steps !== undefined
      ? {
          analytic: {
            days: analyticWall / SECONDS_PER_DAY,
            goodput: (model.workSeconds * pace) / analyticWall,
          },
        }
      : {}),
    seconds: (nowMilliseconds() - started) / 1000,
  };
}

/**
 * One trial of `simulateRun` with the same arguments, traced as a timeline: trial `trial` (default 0,
 * the first of those the Monte Carlo summarizes), its outcome exactly that trial's.
 */
export function traceRun(
  run: RunInput,
  reliability: ReliabilitySettings,
  checkpoint: CheckpointSettings,
  settings: SimulationSettings,
  trial = 0,
): TrialTimeline {
  const { model } = runModelOf(run, reliability, checkpoint, settings);
  checkSimulationWork(model, { ...settings, trials: 1 });
  return traceTrial(model, settings.seed, trial, 1 - effectiveStragglerSlowdown(reliability));
}
