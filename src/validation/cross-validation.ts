import { type FitState, type FreeConstant, fitConstants, searchedLayouts } from "../calibration/fit.ts";
import { ACCELERATORS, type Generation } from "../catalog/accelerators.ts";
import { hardwareCalibrationFor } from "../catalog/hardware-calibrations.ts";
import { STACKS } from "../catalog/stacks.ts";
import type { Layout } from "../parallel/layout.ts";
import { type AccuracySummary, evaluateRun, stackOf } from "./accuracy.ts";
import type { PublishedRun } from "./published-runs.ts";

// Error per software stack, and the leave-one-stack-out test of generality: the generation's constants
// refitted without a stack's runs, then that stack's runs predicted with them.

/** The stacks the catalog's constants are fitted to (scripts/fit-calibration.ts); the rest only check. */
export const REFERENCE_STACKS: readonly string[] = [
  "megatron-lm-2021",
  "megatron-core",
  "megatron-bridge",
  "meta-llama3",
];

export interface StackAccuracy {
  readonly stack: string;
  readonly runs: number;
  readonly meanAbsoluteStepError: number;
  readonly maxAbsoluteStepError: number;
  /** Mean |error| of this stack's runs predicted by constants fitted without them. */
  readonly leaveOutMeanAbsoluteStepError: number;
}

function generationOf(run: PublishedRun): Generation {
  const found = ACCELERATORS.find((a) => a.name === run.accelerator);
  if (!found) throw new Error(`published run ${run.id} names an unknown accelerator`);
  return found.generation;
}

function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/**
 * One stack left out of the fit: its runs, each with the layout the catalog constants gave it (so only
 * the constants differ), and the runs the constants are refitted to. Plain data: a worker thread can
 * take it.
 */
export interface LeaveOut {
  readonly held: readonly { readonly run: PublishedRun; readonly layout: Layout }[];
  readonly training: readonly PublishedRun[];
}

/** Mean |error| of the `held` runs predicted with constants fitted to the `training` runs of their generation. */
export function leaveOutError({ held, training }: LeaveOut): number {
  const fitted = new Map<Generation, FitState>();
  const fitFor = (generation: Generation): FitState => {
    const cached = fitted.get(generation);
    if (cached) return cached;
    const same = training.filter((r) => generationOf(r) === generation);
    const start: FitState = {
      hardware: hardwareCalibrationFor(generation),
      stacks: new Map(STACKS.map((s) => [s.name, s])),
    };
    const free: FreeConstant[] = ["sustainedComputeFraction", "elementwiseBandwidthFraction"];
    const state =
      same.length > 0
        ? fitConstants(same, start, free, searchedLayouts(same, start), { sweeps: 2, iterations: 16 })
        : start;
    fitted.set(generation, state);
    return state;
  };
  const errors = held.map(
    ({ run, layout }) =>
      evaluateRun(run, {
        hardware: fitFor(generationOf(run)).hardware,
        stack: stackOf(run),
        skipFreeSearch: true,
        layout,
      }).stepError,
  );
  return mean(errors.map(Math.abs));
}

/** The stacks of a summary's runs, in order of first appearance. */
function stacksOf(summary: AccuracySummary): string[] {
  return [...new Set(summary.runs.map((r) => stackOf(r.run).name))];
}

/** Each stack of `summary` left out in turn (the slow part of `validate`: a refit each). */
export function leaveOuts(summary: AccuracySummary): LeaveOut[] {
  return stacksOf(summary).map((stack) => ({
    held: summary.runs
      .filter((r) => stackOf(r.run).name === stack)
      .map(({ run, plan }) => ({ run, layout: plan.layout })),
    training: summary.runs.map((r) => r.run).filter((run) => stackOf(run).name !== stack),
  }));
}

// Refitting without each stack is the slow part of `validate`: kept per summary.
const byStackOf = new WeakMap<AccuracySummary, StackAccuracy[]>();

export function accuracyByStack(summary: AccuracySummary): StackAccuracy[] {
  const known = byStackOf.get(summary);
  if (known) return known;
  const byStack = stackAccuracy(summary, leaveOuts(summary).map(leaveOutError));
  byStackOf.set(summary, byStack);
  return byStack;
}

/** Error per stack, with `leaveOutErrors` the `leaveOutError` of each of `leaveOuts(summary)`. */
export function stackAccuracy(summary: AccuracySummary, leaveOutErrors: readonly number[]): StackAccuracy[] {
  return stacksOf(summary).map((stack, index) => {
    const mine = summary.runs.filter((r) => stackOf(r.run).name === stack);
    const errors = mine.map((r) => Math.abs(r.stepError));
    return {
      stack,
      runs: mine.length,
      meanAbsoluteStepError: mean(errors),
      maxAbsoluteStepError: Math.max(...errors),
      leaveOutMeanAbsoluteStepError: leaveOutErrors[index] ?? Number.NaN,
    };
  });
}

/** The mean over stacks of the error of predicting a stack left out of the fit. */
export function leaveOneStackOutMean(byStack: readonly StackAccuracy[]): number {
  return mean(byStack.map((s) => s.leaveOutMeanAbsoluteStepError));
}

/** How far to trust a prediction on a stack: the error its validated runs show. */
export interface ErrorBand {
  readonly stack: string;
  /** The hardware generation the runs behind it ran on; absent: all of the stack's runs. */
  readonly generation?: Generation;
  /** Mean absolute step-time error of the runs behind it. */
  readonly meanAbsoluteError: number;
  /** Validated runs on this stack; 0: none, the band is the leave-one-stack-out error of all stacks. */
  readonly runs: number;
}

/** Runs a stack needs on one generation before that generation gets a band of its own. */
export const GENERATION_BAND_MIN_RUNS = 3;

/**
 * Bands for every catalog stack from an accuracy summary (scripts/write-error-bands.ts stores them):
 * the stack's own mean error, or, with fewer than 3 runs, at least the mean leave-one-stack-out error;
 * then one band per generation a stack has 3 or more runs on (Hopper and Blackwell runs of one stack
 * miss by different amounts, and a plan is on one of them).
 */
export function errorBands(byStack: readonly StackAccuracy[], summary: AccuracySummary): ErrorBand[] {
  const validated = byStack.filter((s) => s.runs > 0);
  const leaveOut = leaveOneStackOutMean(validated);
  const perStack = STACKS.map((stack): ErrorBand => {
    const found = validated.find((s) => s.stack === stack.name);
    if (!found) return { stack: stack.name, meanAbsoluteError: leaveOut, runs: 0 };
    // A stack seen in one or two runs has no spread of its own yet: it takes at least the out-of-stack error.
    const own =
      found.runs < 3 ? Math.max(found.meanAbsoluteStepError, leaveOut) : found.meanAbsoluteStepError;
    return { stack: stack.name, meanAbsoluteError: own, runs: found.runs };
  });
  const perGeneration = STACKS.flatMap((stack) => {
    const mine = summary.runs.filter((r) => stackOf(r.run).name === stack.name);
    const generations = [...new Set(mine.map((r) => generationOf(r.run)))];
    // A stack on one generation only: its stack band already is that generation's.
    if (generations.length < 2) return [];
    return generations.flatMap((generation): ErrorBand[] => {
      const runs = mine.filter((r) => generationOf(r.run) === generation);
      if (runs.length < GENERATION_BAND_MIN_RUNS) return [];
      const error = mean(runs.map((r) => Math.abs(r.stepError)));
      return [{ stack: stack.name, generation, meanAbsoluteError: error, runs: runs.length }];
    });
  });
  return [...perStack, ...perGeneration];
}
