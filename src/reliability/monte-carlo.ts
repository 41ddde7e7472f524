// The generator alone: the package root loads all of pure-rand (about 20 modules) at start-up.
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";
import { InfeasibleError } from "../errors.ts";
import { limitText, MAX_EVENTS_PER_TRIAL } from "../limits.ts";
import { standardExponential } from "./exponential.ts";

// A Monte Carlo of a training run: compute between checkpoints, failures at random, recovery, lost
// work. Each failure costs O(1) work however many checkpoints pass in between, so a 200,000-GPU run
// with thousands of failures simulates in microseconds.

export interface RunModel {
  /** Compute seconds to finish the run (stragglers already folded in). */
  readonly workSeconds: number;
  /** Compute between checkpoints. */
  readonly intervalSeconds: number;
  /** Stall per checkpoint; a failure before it ends loses the interval. */
  readonly checkpointSeconds: number;
  /** Unexpected interruptions of the whole job per second, by cause. */
  readonly causeRates: readonly number[];
  /**
   * Wait after each cause beyond detection, restart and load: 0 for software; for hardware without
   * spares the repair (with shrink: the slower stretch without the replicas the failure took out).
   */
  readonly causeExtraSeconds: readonly number[];
  /**
   * With a recovery practice: what each cause's extra is made of (a repair wait, a durable checkpoint's
   * read, training redone), for the timeline; the Monte Carlo uses only the sums above.
   */
  readonly causeExtraParts?: readonly {
    readonly repairSeconds: number;
    readonly reloadSeconds: number;
    readonly redoSeconds: number;
  }[];
  readonly plannedRatePerSecond: number;
  /** Failure detection, job restart and checkpoint load. */
  readonly detectSeconds: number;
  readonly restartSeconds: number;
  readonly loadSeconds: number;
  /** Early-life failures: rate x (1 + extra x 2^(-t / halfLife)). */
  readonly wearIn?: { readonly extra: number; readonly halfLifeSeconds: number };
  /** Simulate a fixed wall-clock window instead of running to completion. */
  readonly windowSeconds?: number;
}

export interface TrialOutcome {
  readonly wallSeconds: number;
  /** Compute that counted towards the run (all of it when run to completion). */
  readonly usefulSeconds: number;
  readonly interruptions: number;
  readonly planned: number;
  readonly checkpoints: number;
}

const INV_2_32 = 1 / 4294967296;

/** Independent, reproducible stream for trial `index` of `seed` (splitmix-style mixing of the pair). */
function trialSeed(seed: number, index: number): number {
  let x = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) | 0;
}

/** Vose's alias table: picks cause i with probability weights[i] / sum in O(1). */
function aliasTable(weights: readonly number[]): { probability: Float64Array; alias: Int32Array } {
  const n = weights.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = weights.map((w) => (total > 0 ? (w * n) / total : 1));
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => {
    (p < 1 ? small : large).push(i);
  });
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    probability[s] = scaled[s] as number;
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    ((scaled[l] as number) < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) probability[i] = 1;
  return { probability, alias };
}

export interface MonteCarloResult {
  readonly trials: readonly TrialOutcome[];
  /** Mean interruptions per trial, by cause index. */
  readonly meanByCause: readonly number[];
}

/** Everything a trial needs, worked out once for all trials. */
interface Prepared {
  readonly unexpected: number;
  readonly planned: number;
  readonly peakRate: number;
  readonly tau: number;
  readonly cycle: number;
  readonly work: number;
  readonly end: number;
  readonly wearExtra: number;
  readonly wearHalf: number;
  readonly recoveryBase: number;
  readonly plannedRecovery: number;
  readonly extra: Float64Array;
  readonly probability: Float64Array;
  readonly alias: Int32Array;
  /** Draw causes one by one only when they change the recovery; else split counts by share. */
  readonly causesMatter: boolean;
  readonly byCause: Float64Array;
  /** The cause of the latest unexpected interruption (-1 when causes are not drawn). */
  lastCause: number;
}

type Rng = ReturnType<typeof xoroshiro128plus>;

function uniform(rng: Rng): number {
  return ((rng.unsafeNext() >>> 0) + 0.5) * INV_2_32;
}

function pickCause(p: Prepared, u: number): number {
  const scaled = u * p.probability.length;
  const i = Math.min(p.probability.length - 1, Math.floor(scaled));
  return scaled - i < (p.probability[i] as number) ? i : (p.alias[i] as number);
}

/** Records an unexpected interruption drawn from `which` and returns its recovery time. */
function interrupt(p: Prepared, which: number): number {
  if (!p.causesMatter) return p.recoveryBase;
  const cause = pickCause(p, (which - p.planned) / p.unexpected);
  p.byCause[cause] = (p.byCause[cause] as number) + 1;
  p.lastCause = cause;
  return p.recoveryBase + (p.extra[cause] as number);
}

/** Wall time to the next interruption, thinned for the early-life excess when there is one. */
function nextGap(p: Prepared, rng: Rng, now: number): number {
  if (p.peakRate <= 0) return Number.POSITIVE_INFINITY;
  let gap = standardExponential(rng) / p.peakRate;
  while (
    p.wearExtra > 0 &&
    uniform(rng) * p.peakRate >
      p.unexpected * (1 + p.wearExtra * 2 ** (-(now + gap) / p.wearHalf)) + p.planned
  ) {
    gap += standardExponential(rng) / p.peakRate;
  }
  return gap;
}

/**
 * What one traced trial reports as it runs (trace.ts records it as a timeline). The Monte Carlo passes
 * none: the loop below is the only trial loop, and it calls a recorder only when it is given one.
 */
export interface TrialRecorder {
  /**
   * `seconds` of compute, `into` seconds into a segment whose first `training` seconds train and whose
   * rest stalls for the segment's checkpoint.
   */
  compute(into: number, seconds: number, training: number): void;
  /** The segment in progress completed: its checkpoint is written (`checkpoint`), or the work is done. */
  segmentDone(checkpoint: boolean): void;
  /** `count` whole checkpoint cycles (training, then the stall) passed at once. */
  cycles(count: number): void;
  /**
   * An interruption, planned or not, and the recovery it starts (after any compute was reported);
   * `cause` indexes the failure mix when causes are drawn, else -1.
   */
  interrupted(planned: boolean, recoverySeconds: number, cause: number): void;
  /** `seconds` of the recovery in progress passed. */
  recovering(seconds: number): void;
  /** The trial ended (the work finished or the window closed); compute not yet saved counts. */
  ended(): void;
}

/**
 * One run. Interruptions arrive as a Poisson process in wall-clock time whatever the job is doing (a
 * failure during a recovery starts the recovery again), so each costs one exponential draw, and whole
 * checkpoint cycles between interruptions are skipped arithmetically.
 */
function runTrial(p: Prepared, rng: Rng, rec?: TrialRecorder): TrialOutcome {
  const { tau, cycle, work, end, planned, unexpected } = p;
  const drawWhich = planned > 0 || p.causesMatter;
  let t = 0;
  let done = 0;
  let into = 0;
  let recoveryLeft = 0;
  let interruptions = 0;
  let plannedCount = 0;
  let checkpoints = 0;
  let finished = false;
  for (let events = 0; ; events++) {
    // The work estimate in simulate.ts refuses runs this long; this is the backstop.
    if (events > MAX_EVENTS_PER_TRIAL) {
      throw new InfeasibleError(
        `the run is not making progress: over ${limitText(MAX_EVENTS_PER_TRIAL)} interruptions in one trial`,
      );
    }
    let dt = nextGap(p, rng, t);
    if (recoveryLeft > 0) {
      if (dt < recoveryLeft) {
        // The window closes during this recovery: the trial lasts to the window's end.
        if (t + dt >= end) {
          if (rec) rec.recovering(end - t);
          t = end;
          break;
        }
        t += dt;
        recoveryLeft -= dt;
        if (rec) rec.recovering(dt);
        // Hit while recovering: an unexpected failure restarts the recovery; a planned stop waits.
        const which = drawWhich ? uniform(rng) * (unexpected + planned) : planned;
        if (which >= planned) {
          interruptions++;
          recoveryLeft = interrupt(p, which);
          if (rec) rec.interrupted(false, recoveryLeft, p.lastCause);
        }
        continue;
      }
      if (rec) rec.recovering(Math.min(recoveryLeft, end - t));
      t += recoveryLeft;
      dt -= recoveryLeft;
      recoveryLeft = 0;
      if (t >= end) {
        t = end;
        break;
      }
    }
    // Run through checkpoint cycles until the interruption, the end of the work, or the window.
    let interrupted = false;
    for (;;) {
      const remaining = work - done;
      const segment = remaining > tau ? cycle : remaining;
      const left = segment - into;
      if (t + Math.min(left, dt) >= end) {
        if (rec) rec.compute(into, end - t, segment === cycle ? tau : segment);
        into += end - t;
        t = end;
        break;
      }
      if (dt < left) {
        if (rec) rec.compute(into, dt, segment === cycle ? tau : segment);
        into += dt;
        t += dt;
        interrupted = true;
        break;
      }
      if (rec) {
        rec.compute(into, left, segment === cycle ? tau : segment);
        rec.segmentDone(segment === cycle);
      }
      t += left;
      dt -= left;
      into = 0;
      if (segment !== cycle) {
        done = work;
        finished = true;
        break;
      }
      done += tau;
      checkpoints++;
      // Skip whole cycles at once; stop one short of the final partial segment.
      const fullCycles = Math.min(Math.floor(dt / cycle), Math.max(0, Math.ceil((work - done) / tau) - 1));
      if (fullCycles > 0 && t + fullCycles * cycle < end) {
        t += fullCycles * cycle;
        dt -= fullCycles * cycle;
        done += fullCycles * tau;
        checkpoints += fullCycles;
        if (rec) rec.cycles(fullCycles);
      }
    }
    if (!interrupted) break;
    const which = drawWhich ? uniform(rng) * (unexpected + planned) : planned;
    if (which < planned) {
      // Planned: checkpoint what has run, then restart without detection.
      plannedCount++;
      if (rec) rec.interrupted(true, p.plannedRecovery, -1);
      done += Math.min(into, tau);
      into = 0;
      recoveryLeft = p.plannedRecovery;
      continue;
    }
    interruptions++;
    into = 0;
    recoveryLeft = interrupt(p, which);
    if (rec) rec.interrupted(false, recoveryLeft, p.lastCause);
  }
  if (rec) rec.ended();
  return {
    wallSeconds: Math.min(t, end),
    usefulSeconds: finished ? work : done + Math.min(into, tau),
    interruptions,
    planned: plannedCount,
    checkpoints,
  };
}

/** Interruptions per second: unexpected, planned, and at the wear-in peak (both together). */
export function interruptionRates(model: RunModel): { unexpected: number; planned: number; peak: number } {
  const unexpected = model.causeRates.reduce((a, b) => a + b, 0);
  const planned = model.plannedRatePerSecond;
  return { unexpected, planned, peak: unexpected * (1 + (model.wearIn?.extra ?? 0)) + planned };
}

/** What all trials share, worked out once (with a fresh tally of interruptions by cause). */
function prepare(model: RunModel): Prepared {
  const { unexpected, planned, peak } = interruptionRates(model);
  const wearExtra = model.wearIn?.extra ?? 0;
  const recoveryBase = model.detectSeconds + model.restartSeconds + model.loadSeconds;
  const extra = Float64Array.from(model.causeExtraSeconds);
  const table = aliasTable(model.causeRates);
  const prepared: Prepared = {
    unexpected,
    planned,
    peakRate: peak,
    tau: model.intervalSeconds,
    cycle: model.intervalSeconds + model.checkpointSeconds,
    work: model.workSeconds,
    end: model.windowSeconds ?? Number.POSITIVE_INFINITY,
    wearExtra,
    wearHalf: model.wearIn?.halfLifeSeconds ?? 1,
    recoveryBase,
    plannedRecovery: model.checkpointSeconds + model.restartSeconds + model.loadSeconds,
    extra,
    probability: table.probability,
    alias: table.alias,
    causesMatter: extra.some((seconds) => seconds > 0),
    byCause: new Float64Array(model.causeRates.length),
    lastCause: -1,
  };
  return prepared;
}

/** Runs trials `from` (inclusive) to `to` (exclusive); chunks give the same numbers as one call. */
export function simulateTrials(model: RunModel, seed: number, from: number, to: number): MonteCarloResult {
  const prepared = prepare(model);
  const { unexpected } = prepared;
  const trials: TrialOutcome[] = [];
  for (let trial = from; trial < to; trial++) {
    trials.push(runTrial(prepared, xoroshiro128plus(trialSeed(seed, trial))));
  }
  const count = Math.max(1, to - from);
  if (!prepared.causesMatter) {
    // The cause does not change what happens next: the mean count per cause is the total times its share.
    const total = trials.reduce((sum, trial) => sum + trial.interruptions, 0);
    return {
      trials,
      meanByCause: model.causeRates.map((rate) => (unexpected > 0 ? (rate / unexpected) * total : 0) / count),
    };
  }
  return { trials, meanByCause: Array.from(prepared.byCause, (n) => n / count) };
}

/**
 * Trial `index` of `seed` exactly as `simulateTrials` runs it (the same stream and the same loop), with
 * `recorder` told what happens as it happens.
 */
export function recordTrial(
  model: RunModel,
  seed: number,
  index: number,
  recorder: TrialRecorder,
): TrialOutcome {
  return runTrial(prepare(model), xoroshiro128plus(trialSeed(seed, index)), recorder);
}
