import { RECOVERY_PRESETS, type RecoveryPractice } from "../catalog/recovery-presets.ts";
import type { Source } from "../catalog/source.ts";
import { InfeasibleError, InputError } from "../errors.ts";
import { inMemoryCheckpointLost, recoveryLadder, restartSecondsAt } from "./recovery.ts";
import {
  type CheckpointSettings,
  effectiveStragglerSlowdown,
  type ReliabilitySettings,
  type RunInput,
  runModelOf,
  type SimulationSettings,
  simulateRun,
  sparesShortChance,
  traceRun,
} from "./simulate.ts";

// The planner's questions about recovery: which features a run of this size needs to reach a target
// goodput (the ladder from baseline-2024 to the chosen practice, one feature at a time), and where the
// time goes with and without them.

/** The goodput a planner aims for unless told otherwise. */
export const DEFAULT_GOODPUT_TARGET = 0.95;
/** Trials per ladder step: enough for a P50 within a few tenths of a per cent at these scales. */
export const LADDER_TRIALS = 200;
/** Trials traced to split the wall-clock time by where it went. */
export const LOSS_TRIALS = 20;

/** Shares of wall-clock time (they add up to 1). */
export interface GoodputLosses {
  readonly goodput: number;
  /** Training at the slower nodes' pace. */
  readonly stragglers: number;
  readonly checkpointStalls: number;
  /** Detection, restart and checkpoint load (a durable one's read included). */
  readonly restarts: number;
  /** Training thrown away by failures and redone (since the last usable checkpoint). */
  readonly lostWork: number;
  /** Waiting for repairs when no spare was left. */
  readonly repairWaits: number;
  readonly plannedStops: number;
}

export interface LadderStep {
  /** The feature this step adds (absent: the starting point, baseline-2024). */
  readonly feature?: string;
  readonly label: string;
  /** 0 when the run cannot finish this way (interruptions outpace the checkpoints). */
  readonly goodputP50: number;
  /** Goodput P50 gained over the step before. */
  readonly gain: number;
  /** False when the simulation refused the run: it would not finish, or take too many events. */
  readonly finishes: boolean;
}

export interface RecoverySummary {
  readonly practice: string;
  readonly displayName: string;
  readonly source: Source;
  readonly detectSeconds: number;
  readonly restart: "job" | "in-job";
  /** The restart at this job's size: the fixed part plus communicator set-up for its ranks. */
  readonly restartSeconds: number;
  readonly ranks: number;
  readonly checkpointMode: "sync" | "async" | "in-memory";
  readonly replica: RecoveryPractice["replica"];
  /** Causes whose failure destroys the in-memory checkpoint (recovered from the durable copy). */
  readonly fallbackCauses: readonly string[];
  /** The chance a hardware failure finds the spare pool empty. */
  readonly sparesShortChance: number;
  readonly stragglerSlowdown: number;
  readonly target: number;
  readonly ladder: readonly LadderStep[];
  readonly ladderTrials: number;
  /** The first ladder step whose P50 reaches the target (absent: none does). */
  readonly reachesTargetAt?: string;
  /**
   * Estimate: the detection + restart + load per failure at which the practice would reach the target,
   * other losses as they are (0 when they alone exceed it).
   */
  readonly recoveryBudgetSeconds: number;
  /** The baseline's are absent when baseline-2024 cannot finish the run. */
  readonly losses: { readonly baseline?: GoodputLosses; readonly practice: GoodputLosses };
  readonly lossTrials: number;
}

/** The value, or undefined where the simulation refuses the run (a step short of the practice may). */
function unlessRefused<T>(simulate: () => T): T | undefined {
  try {
    return simulate();
  } catch (error) {
    if (error instanceof InfeasibleError || error instanceof InputError) return undefined;
    throw error;
  }
}

const BASELINE = RECOVERY_PRESETS.find((p) => p.name === "baseline-2024") as RecoveryPractice;

/** Where the time of the first `trials` traced trials went, as mean shares of their wall-clock time. */
export function goodputLosses(
  run: RunInput,
  reliability: ReliabilitySettings,
  checkpoint: CheckpointSettings,
  settings: SimulationSettings,
  trials: number,
): GoodputLosses {
  const pace = 1 - effectiveStragglerSlowdown(reliability);
  const sum = {
    goodput: 0,
    stragglers: 0,
    checkpointStalls: 0,
    restarts: 0,
    lostWork: 0,
    repairWaits: 0,
    plannedStops: 0,
  };
  const count = Math.max(1, trials);
  for (let trial = 0; trial < count; trial++) {
    const { totals, outcome } = traceRun(run, reliability, checkpoint, settings, trial);
    const wall = Math.max(outcome.wallSeconds, 1e-9);
    sum.goodput += (totals.training * pace) / wall;
    sum.stragglers += (totals.training * (1 - pace)) / wall;
    sum.checkpointStalls += totals.checkpoint / wall;
    sum.restarts += totals.recovery / wall;
    sum.lostWork += totals.lost / wall;
    sum.repairWaits += totals.repair / wall;
    sum.plannedStops += totals.planned / wall;
  }
  return Object.fromEntries(
    Object.entries(sum).map(([key, value]) => [key, value / count]),
  ) as unknown as GoodputLosses;
}

/**
 * The summary of `reliability.recovery` for a run: the practice at this size, the ladder of features
 * from baseline-2024 to it with the goodput after each, and the losses with and without it.
 */
export function recoverySummary(
  run: RunInput,
  reliability: ReliabilitySettings,
  checkpoint: CheckpointSettings,
  settings: SimulationSettings,
  target = DEFAULT_GOODPUT_TARGET,
): RecoverySummary | undefined {
  const practice = reliability.recovery;
  if (!practice) return undefined;
  const ladderSettings = { ...settings, trials: Math.min(settings.trials, LADDER_TRIALS) };
  const steps = recoveryLadder(BASELINE, practice);
  const ladder: LadderStep[] = [];
  for (const step of steps) {
    const goodput = unlessRefused(
      () =>
        simulateRun(run, { ...reliability, recovery: step.practice }, checkpoint, ladderSettings).goodput.p50,
    );
    const before = ladder[ladder.length - 1]?.goodputP50 ?? goodput ?? 0;
    ladder.push({
      ...(step.feature ? { feature: step.feature.id } : {}),
      label: step.feature ? `+ ${step.feature.label}` : "baseline-2024",
      goodputP50: goodput ?? 0,
      gain: (goodput ?? 0) - before,
      finishes: goodput !== undefined,
    });
  }
  const lossTrials = Math.min(settings.trials, LOSS_TRIALS);
  const baselineReliability = { ...reliability, recovery: steps[0]?.practice ?? BASELINE };
  const baselineLosses = unlessRefused(() =>
    goodputLosses(run, baselineReliability, checkpoint, settings, lossTrials),
  );
  const losses = {
    ...(baselineLosses ? { baseline: baselineLosses } : {}),
    practice: goodputLosses(run, reliability, checkpoint, settings, lossTrials),
  };
  const { model, mtbfSeconds } = runModelOf(run, reliability, checkpoint, settings);
  const mode = practice.checkpointMode ?? checkpoint.mode;
  const reached = ladder.find((step) => step.goodputP50 >= target);
  const p = losses.practice;
  const otherLoss = 1 - p.goodput - p.restarts;
  const budget = Number.isFinite(mtbfSeconds) ? Math.max(0, (1 - target - otherLoss) * mtbfSeconds) : 0;
  const causeRates = model.causeRates;
  return {
    practice: practice.name,
    displayName: practice.displayName,
    source: practice.source,
    detectSeconds: model.detectSeconds,
    restart: practice.restart,
    restartSeconds: restartSecondsAt(practice, run.gpus),
    ranks: run.gpus,
    checkpointMode: mode,
    replica: practice.replica,
    fallbackCauses:
      mode === "in-memory"
        ? reliability.mix.causes.filter((c) => inMemoryCheckpointLost(c, practice)).map((c) => c.name)
        : [],
    sparesShortChance: sparesShortChance(run, reliability, practice, causeRates),
    stragglerSlowdown: effectiveStragglerSlowdown(reliability),
    target,
    ladder,
    ladderTrials: ladderSettings.trials,
    ...(reached ? { reachesTargetAt: reached.feature ?? "baseline-2024" } : {}),
    recoveryBudgetSeconds: Number.isFinite(budget) ? budget : 0,
    losses,
    lossTrials,
  };
}
