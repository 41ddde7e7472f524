import { type Constants, fitConstants, type PreparedRun, stepError } from "../calibration/calibrate.ts";
import { TUNABLE_CONSTANTS } from "../catalog/stack-constants.ts";
import { type AccuracySummary, evaluateAccuracy, publishedRunInput, stackOf } from "./accuracy.ts";
import { REFERENCE_STACKS } from "./cross-validation.ts";

// What `gigacluster calibrate` would do for a user with half of a stack's published runs: fit the
// stack's constants on one half, predict the other half, and compare with the catalog stack.

export interface HalfSplitCheck {
  readonly stack: string;
  readonly runs: number;
  /** Mean absolute step-time error on the held-out halves: the catalog's and the calibrated stack's. */
  readonly catalogMeanAbsoluteError: number;
  readonly calibratedMeanAbsoluteError: number;
}

/** Stacks with at least this many runs are split in two (fewer leave nothing to fit on). */
const MIN_RUNS = 6;

/** One half of a stack's runs fitted and the other half predicted. Plain data: a worker thread can take it. */
export interface HalfSplitFit {
  /** The stack and hardware generation, e.g. "megatron-core on hopper". */
  readonly stack: string;
  /** The stack's runs on that generation, both halves. */
  readonly runs: number;
  readonly fitted: readonly PreparedRun[];
  readonly held: readonly PreparedRun[];
}

/** The held-out half's absolute step-time errors with the catalog's constants and the fitted ones. */
export interface HalfSplitErrors {
  readonly catalog: readonly number[];
  readonly calibrated: readonly number[];
}

/** The fits of the check: for each stack and generation with enough runs, each half fitted in turn. */
export function halfSplitFits(summary: AccuracySummary = evaluateAccuracy()): HalfSplitFit[] {
  const byStack = new Map<string, PreparedRun[]>();
  for (const result of summary.runs) {
    const stackName = stackOf(result.run).name;
    if (!REFERENCE_STACKS.includes(stackName)) continue;
    // One fit per stack and hardware generation: a calibration is of one cluster's hardware.
    const input = publishedRunInput(result.run);
    const stack = `${stackName} on ${input.cluster.accelerator.generation}`;
    const list = byStack.get(stack) ?? [];
    list.push({
      id: result.run.id,
      base: input,
      layout: result.plan.layout,
      stepSeconds: result.publishedStepSeconds,
      modelSaysOutOfMemory: false,
    });
    byStack.set(stack, list);
  }
  // Alternate runs to the halves so each spans the stack's sizes; each half predicts the other.
  return [...byStack].flatMap(([stack, runs]) =>
    runs.length < MIN_RUNS
      ? []
      : [0, 1].map((parity) => ({
          stack,
          runs: runs.length,
          fitted: runs.filter((_, i) => i % 2 === parity),
          held: runs.filter((_, i) => i % 2 !== parity),
        })),
  );
}

export function halfSplitErrors({ fitted, held }: HalfSplitFit): HalfSplitErrors {
  const first = fitted[0] as PreparedRun;
  const base: Constants = { stack: first.base.cluster.stack, hardware: first.base.cluster.hardware };
  const constants = fitConstants(fitted, base, TUNABLE_CONSTANTS).constants;
  const error = (run: PreparedRun, c: Constants) => Math.abs(stepError(run, c) ?? 0);
  return {
    catalog: held.map((run) => error(run, base)),
    calibrated: held.map((run) => error(run, constants)),
  };
}

/** The check, from `halfSplitFits` and the `halfSplitErrors` of each (worked out in process by default). */
export function calibrationHalfSplit(
  fits: readonly HalfSplitFit[] = halfSplitFits(),
  errors: readonly HalfSplitErrors[] = fits.map(halfSplitErrors),
): HalfSplitCheck[] {
  const stacks = [...new Set(fits.map((fit) => fit.stack))];
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return stacks.map((stack) => {
    const mine = errors.filter((_, i) => fits[i]?.stack === stack);
    return {
      stack,
      runs: fits.find((fit) => fit.stack === stack)?.runs ?? 0,
      catalogMeanAbsoluteError: mean(mine.flatMap((e) => e.catalog)),
      calibratedMeanAbsoluteError: mean(mine.flatMap((e) => e.calibrated)),
    };
  });
}
