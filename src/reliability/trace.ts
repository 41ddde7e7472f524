import { type RunModel, recordTrial, type TrialOutcome, type TrialRecorder } from "./monte-carlo.ts";

// One trial of the Monte Carlo as a timeline: what the cluster did when, for a picture of the run. The
// trial runs in the Monte Carlo's own loop (monte-carlo.ts), so it is one of the trials summarized.

/** What the cluster is doing, in the order a picture stacks its lanes. */
export const TIMELINE_KINDS = ["training", "checkpoint", "lost", "recovery", "repair", "planned"] as const;

/**
 * training: compute that counted. checkpoint: training stalled for a checkpoint. lost: compute since the
 * last completed checkpoint thrown away by a failure (to be recomputed), a checkpoint cut short
 * included. recovery: failure detection, job restart and checkpoint load. repair: waiting for failed
 * hardware without a spare (with shrink: the slower stretch, as its equivalent wait). planned: a planned
 * stop (checkpoint, restart and load).
 */
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Segments come in these kinds; the checkpoint stalls ride inside the training segments. */
export type TimelineSegmentKind = Exclude<TimelineKind, "checkpoint">;

/** Segments one trace keeps (a few per interruption); past this only the totals and bins go on. */
export const MAX_TIMELINE_SEGMENTS = 5_000;

/** Bins of the whole trial kept for drawing (each bin holds the seconds of every kind within it). */
export const TIMELINE_BINS = 512;

export interface TimelineSegment {
  readonly kind: TimelineSegmentKind;
  /** Wall-clock seconds from the start of the run. */
  readonly start: number;
  readonly seconds: number;
  /**
   * Checkpoints completed inside a training segment, and the seconds they stalled (part of `seconds`).
   * Consecutive stretches of one kind are merged, so a day of training and its checkpoints is one segment.
   */
  readonly checkpoints: number;
  readonly checkpointSeconds: number;
}

/** The whole trial at a fixed resolution: bin i covers [i x seconds, (i + 1) x seconds) of wall-clock time. */
export interface TimelineBins {
  readonly seconds: number;
  /** Seconds of each kind in each bin (a bin's kinds add up to its width; the last bin may be partly used). */
  readonly kinds: Readonly<Record<TimelineKind, readonly number[]>>;
  /** Unexpected failures and planned stops that began in each bin. */
  readonly failures: readonly number[];
  readonly planned: readonly number[];
}

export interface TrialTimeline {
  readonly seed: number;
  /** The trial's index in the Monte Carlo of `seed` (0: the first trial). */
  readonly trial: number;
  /** The trial as the Monte Carlo counts it: the same numbers as its trial of the same index. */
  readonly outcome: TrialOutcome;
  /** Compute that counted, at the ideal rate (stragglers excluded), over wall-clock time. */
  readonly goodput: number;
  /** A fixed window simulated instead of a run to completion. */
  readonly windowSeconds?: number;
  readonly intervalSeconds: number;
  /** Stall of one checkpoint. */
  readonly checkpointSeconds: number;
  /** Seconds of each kind over the whole trial; they add up to the wall-clock time. */
  readonly totals: Readonly<Record<TimelineKind, number>>;
  /** The trial in order, merged; the first MAX_TIMELINE_SEGMENTS only when `truncated`. */
  readonly segments: readonly TimelineSegment[];
  /** The segments stop at MAX_TIMELINE_SEGMENTS; the totals and the bins still cover the whole trial. */
  readonly truncated: boolean;
  readonly bins: TimelineBins;
}

const KIND_INDEX: Readonly<Record<TimelineKind, number>> = {
  training: 0,
  checkpoint: 1,
  lost: 2,
  recovery: 3,
  repair: 4,
  planned: 5,
};
const KINDS = TIMELINE_KINDS.length;

interface MutableSegment {
  kind: TimelineSegmentKind;
  start: number;
  seconds: number;
  checkpoints: number;
  checkpointSeconds: number;
}

/** Seconds by kind in bins that double in width whenever the run outgrows them (so always <= TIMELINE_BINS). */
class Bins {
  width: number;
  readonly seconds = new Float64Array(TIMELINE_BINS * KINDS);
  readonly failures = new Float64Array(TIMELINE_BINS);
  readonly planned = new Float64Array(TIMELINE_BINS);

  constructor(expectedSeconds: number) {
    this.width =
      Number.isFinite(expectedSeconds) && expectedSeconds > 0 ? expectedSeconds / TIMELINE_BINS : 1;
  }

  /** Makes the bins reach `time`, halving their number by merging neighbours as often as needed. */
  private reach(time: number): void {
    while (time > this.width * TIMELINE_BINS) {
      for (let i = 0; i < TIMELINE_BINS / 2; i++) {
        for (let k = 0; k < KINDS; k++) {
          this.seconds[i * KINDS + k] =
            (this.seconds[2 * i * KINDS + k] as number) + (this.seconds[(2 * i + 1) * KINDS + k] as number);
        }
        this.failures[i] = (this.failures[2 * i] as number) + (this.failures[2 * i + 1] as number);
        this.planned[i] = (this.planned[2 * i] as number) + (this.planned[2 * i + 1] as number);
      }
      this.seconds.fill(0, (TIMELINE_BINS / 2) * KINDS);
      this.failures.fill(0, TIMELINE_BINS / 2);
      this.planned.fill(0, TIMELINE_BINS / 2);
      this.width *= 2;
    }
  }

  private index(time: number): number {
    return Math.min(TIMELINE_BINS - 1, Math.floor(time / this.width));
  }

  /** `amounts` (seconds by kind index) spread evenly over [start, start + length). */
  add(start: number, length: number, amounts: readonly (readonly [number, number])[]): void {
    if (length <= 0) return;
    const end = start + length;
    this.reach(end);
    for (let i = this.index(start); i <= this.index(end); i++) {
      const overlap = Math.min(end, (i + 1) * this.width) - Math.max(start, i * this.width);
      if (overlap <= 0) continue;
      const share = overlap / length;
      for (const [k, amount] of amounts) {
        this.seconds[i * KINDS + k] = (this.seconds[i * KINDS + k] as number) + amount * share;
      }
    }
  }

  mark(time: number, planned: boolean): void {
    this.reach(time);
    const counts = planned ? this.planned : this.failures;
    const i = this.index(time);
    counts[i] = (counts[i] as number) + 1;
  }

  result(wallSeconds: number): TimelineBins {
    const used = Math.max(1, Math.min(TIMELINE_BINS, Math.ceil(wallSeconds / this.width)));
    const column = (k: number) =>
      Array.from({ length: used }, (_, i) => this.seconds[i * KINDS + k] as number);
    return {
      seconds: this.width,
      kinds: Object.fromEntries(TIMELINE_KINDS.map((kind) => [kind, column(KIND_INDEX[kind])])) as Record<
        TimelineKind,
        number[]
      >,
      failures: Array.from(this.failures.subarray(0, used)),
      planned: Array.from(this.planned.subarray(0, used)),
    };
  }
}

/** Turns what the trial loop reports into segments, totals and bins. */
class TimelineBuilder implements TrialRecorder {
  readonly segments: MutableSegment[] = [];
  truncated = false;
  readonly totals = new Float64Array(KINDS);
  readonly bins: Bins;
  /** Wall-clock time reported so far, apart from the pending compute. */
  private clock = 0;
  /** Compute since the last saved point: its training, then any checkpoint stall. */
  private pendingTraining = 0;
  private pendingStall = 0;
  private recoveryPlanned = false;
  private recoveryHardware = false;
  private repairSeconds = 0;
  private redoSeconds = 0;
  private recoveryTotal = 0;
  private recoveryElapsed = 0;
  private readonly parts: RunModel["causeExtraParts"];
  private readonly tau: number;
  private readonly stall: number;
  private readonly detect: number;
  private readonly baseRecovery: number;

  constructor(model: RunModel) {
    this.tau = model.intervalSeconds;
    this.stall = model.checkpointSeconds;
    this.detect = model.detectSeconds;
    this.baseRecovery = model.detectSeconds + model.restartSeconds + model.loadSeconds;
    this.parts = model.causeExtraParts;
    this.bins = new Bins(model.windowSeconds ?? model.workSeconds);
  }

  private segment(
    kind: TimelineSegmentKind,
    seconds: number,
    checkpoints: number,
    checkpointSeconds: number,
  ): void {
    if (this.truncated) return;
    const last = this.segments[this.segments.length - 1];
    if (last && last.kind === kind) {
      last.seconds += seconds;
      last.checkpoints += checkpoints;
      last.checkpointSeconds += checkpointSeconds;
    } else if (this.segments.length < MAX_TIMELINE_SEGMENTS) {
      this.segments.push({ kind, start: this.clock, seconds, checkpoints, checkpointSeconds });
    } else {
      this.truncated = true;
    }
  }

  /** Wall-clock time of one kind (not training or stalls) from the clock on. */
  private emit(kind: Exclude<TimelineSegmentKind, "training">, seconds: number): void {
    if (seconds <= 0) return;
    const k = KIND_INDEX[kind];
    this.totals[k] = (this.totals[k] as number) + seconds;
    this.bins.add(this.clock, seconds, [[k, seconds]]);
    this.segment(kind, seconds, 0, 0);
    this.clock += seconds;
  }

  /** Training that counted and its checkpoint stalls: `cycles` whole cycles or one piece (cycles 0). */
  private train(training: number, stall: number, checkpoints: number, cycles: number): void {
    const seconds = training + stall;
    if (seconds <= 0 && checkpoints === 0) return;
    this.totals[0] = (this.totals[0] as number) + training;
    this.totals[1] = (this.totals[1] as number) + stall;
    if (cycles > 0 && cycles <= 2 * TIMELINE_BINS && this.bins.width < (this.tau + this.stall) * 2) {
      // Bins finer than the cycles: place each stall after its training (many cycles: spread them).
      for (let i = 0; i < cycles; i++) {
        const start = this.clock + i * (this.tau + this.stall);
        this.bins.add(start, this.tau, [[0, this.tau]]);
        this.bins.add(start + this.tau, this.stall, [[1, this.stall]]);
      }
    } else if (cycles > 0) {
      this.bins.add(this.clock, seconds, [
        [0, training],
        [1, stall],
      ]);
    } else {
      this.bins.add(this.clock, training, [[0, training]]);
      this.bins.add(this.clock + training, stall, [[1, stall]]);
    }
    this.segment("training", seconds, checkpoints, stall);
    this.clock += seconds;
  }

  private savePending(checkpoints: number): void {
    const training = this.pendingTraining;
    const stall = this.pendingStall;
    this.pendingTraining = 0;
    this.pendingStall = 0;
    this.train(training, stall, checkpoints, 0);
  }

  compute(into: number, seconds: number, training: number): void {
    const trained = Math.max(0, Math.min(into + seconds, training) - Math.min(into, training));
    this.pendingTraining += trained;
    this.pendingStall += seconds - trained;
  }

  segmentDone(checkpoint: boolean): void {
    this.savePending(checkpoint ? 1 : 0);
  }

  cycles(count: number): void {
    this.train(count * this.tau, count * this.stall, count, count);
  }

  interrupted(planned: boolean, recoverySeconds: number, cause: number): void {
    if (planned) this.savePending(0);
    else {
      const lost = this.pendingTraining + this.pendingStall;
      this.pendingTraining = 0;
      this.pendingStall = 0;
      this.emit("lost", lost);
    }
    this.bins.mark(this.clock, planned);
    this.recoveryPlanned = planned;
    const parts = planned || cause < 0 ? undefined : this.parts?.[cause];
    // With a recovery practice the extra is split as the practice made it; without, it is all repair.
    this.redoSeconds = parts ? parts.redoSeconds : 0;
    this.repairSeconds = planned
      ? 0
      : parts
        ? parts.repairSeconds
        : Math.max(0, recoverySeconds - this.baseRecovery);
    this.recoveryHardware = this.repairSeconds > 0 || this.redoSeconds > 0;
    this.recoveryElapsed = 0;
    this.recoveryTotal = recoverySeconds;
  }

  recovering(seconds: number): void {
    if (seconds <= 0) return;
    const from = this.recoveryElapsed;
    this.recoveryElapsed += seconds;
    if (this.recoveryPlanned) {
      this.emit("planned", seconds);
      return;
    }
    if (!this.recoveryHardware) {
      this.emit("recovery", seconds);
      return;
    }
    // Detection, then the wait for a repair, then restart and load, then any training redone.
    const to = from + seconds;
    const overlap = (a: number, b: number) => Math.max(0, Math.min(to, b) - Math.max(from, a));
    const repairFrom = this.detect;
    const repairTo = this.detect + this.repairSeconds;
    const before = overlap(0, repairFrom);
    const repair = overlap(repairFrom, repairTo);
    this.emit("recovery", before);
    this.emit("repair", repair);
    if (this.redoSeconds === 0) {
      this.emit("recovery", seconds - before - repair);
      return;
    }
    const redoFrom = this.recoveryTotal - this.redoSeconds;
    this.emit("recovery", overlap(repairTo, redoFrom));
    this.emit("lost", overlap(redoFrom, Number.POSITIVE_INFINITY));
  }

  ended(): void {
    this.savePending(0);
  }
}

const COMPUTE = 0;
const SEGMENT_DONE = 1;
const CYCLES = 2;
const INTERRUPTED = 3;
const RECOVERING = 4;
const ENDED = 5;
/** Events held before they are replayed into the builder. */
const LOG_EVENTS = 1024;

/**
 * What the trial loop calls: each call only appends to a buffer, replayed into the builder when full.
 * The loop's calls stay this small, so the Monte Carlo runs as fast after a trace as before one (with
 * the builder's work inlined into the loop, it ran several per cent slower).
 */
class TraceLog implements TrialRecorder {
  private readonly log = new Float64Array(4 * LOG_EVENTS);
  private length = 0;

  constructor(private readonly builder: TimelineBuilder) {}

  private push(event: number, a: number, b: number, c: number): void {
    const i = this.length;
    this.log[i] = event;
    this.log[i + 1] = a;
    this.log[i + 2] = b;
    this.log[i + 3] = c;
    this.length = i + 4;
    if (this.length === this.log.length) this.replay();
  }

  compute(into: number, seconds: number, training: number): void {
    this.push(COMPUTE, into, seconds, training);
  }
  segmentDone(checkpoint: boolean): void {
    this.push(SEGMENT_DONE, checkpoint ? 1 : 0, 0, 0);
  }
  cycles(count: number): void {
    this.push(CYCLES, count, 0, 0);
  }
  interrupted(planned: boolean, recoverySeconds: number, cause: number): void {
    this.push(INTERRUPTED, planned ? 1 : 0, recoverySeconds, cause);
  }
  recovering(seconds: number): void {
    this.push(RECOVERING, seconds, 0, 0);
  }
  ended(): void {
    this.push(ENDED, 0, 0, 0);
    this.replay();
  }

  /** Hands the buffered events to the builder, in order. */
  replay(): void {
    const { log, builder } = this;
    for (let i = 0; i < this.length; i += 4) {
      const a = log[i + 1] as number;
      switch (log[i]) {
        case COMPUTE:
          builder.compute(a, log[i + 2] as number, log[i + 3] as number);
          break;
        case SEGMENT_DONE:
          builder.segmentDone(a === 1);
          break;
        case CYCLES:
          builder.cycles(a);
          break;
        case INTERRUPTED:
          builder.interrupted(a === 1, log[i + 2] as number, log[i + 3] as number);
          break;
        case RECOVERING:
          builder.recovering(a);
          break;
        default:
          builder.ended();
      }
    }
    this.length = 0;
  }
}

/**
 * Trial `trial` of the Monte Carlo of `model` and `seed`, traced: the same stream and the same loop as
 * `simulateTrials`, so its outcome is that trial's. `pace` is the share of the ideal rate the training
 * runs at (1 - the straggler slowdown), for the goodput.
 */
export function traceTrial(model: RunModel, seed: number, trial = 0, pace = 1): TrialTimeline {
  const recorder = new TimelineBuilder(model);
  const outcome = recordTrial(model, seed, trial, new TraceLog(recorder));
  const totals = Object.fromEntries(
    TIMELINE_KINDS.map((kind) => [kind, recorder.totals[KIND_INDEX[kind]] as number]),
  ) as Record<TimelineKind, number>;
  return {
    seed,
    trial,
    outcome,
    goodput: outcome.wallSeconds > 0 ? (outcome.usefulSeconds * pace) / outcome.wallSeconds : 0,
    ...(model.windowSeconds !== undefined ? { windowSeconds: model.windowSeconds } : {}),
    intervalSeconds: model.intervalSeconds,
    checkpointSeconds: model.checkpointSeconds,
    totals,
    segments: recorder.segments.map((s) => ({ ...s })),
    truncated: recorder.truncated,
    bins: recorder.bins.result(outcome.wallSeconds),
  };
}
