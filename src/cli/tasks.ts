import type { RunModel } from "../reliability/monte-carlo.ts";

// What a worker thread of task-pool.ts can do: each kind of task, loaded on its first use (a thread
// that only runs trials never loads the layout search's callers), one plain input in, one plain output
// out. Every task depends only on its input, so the results do not depend on which thread ran them.

/** A range of a run's trials, seeded by their indices. */
export interface TrialRange {
  readonly model: RunModel;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
}

export const TASKS = {
  /** Monte Carlo trials (simulate). */
  trials: async () => {
    const { simulateTrials } = await import("../reliability/monte-carlo.ts");
    return ({ model, seed, from, to }: TrialRange) => simulateTrials(model, seed, from, to);
  },
  /** One point of a sweep: the raw scenario file and the point's values. */
  sweepPoint: async () => {
    const { sweepPoint } = await import("../pipeline/sweep.ts");
    return ({ raw, values }: { readonly raw: unknown; readonly values: Record<string, number | string> }) =>
      sweepPoint(raw, values);
  },
  /** One sampled scenario of an uncertainty analysis; the thread keeps its plans for the next samples. */
  uncertaintySample: async () => {
    const { attempt, planEvaluator } = await import("../pipeline/uncertainty.ts");
    const evaluate = planEvaluator();
    return (scenario: unknown) => attempt(() => evaluate(scenario));
  },
  /** One row of the accuracy table: the catalog's published run by its index. */
  publishedRun: async () => (await import("../validation/accuracy.ts")).evaluatePublishedRun,
  /** One stack left out of the fit (validate's cross-validation). */
  leaveOut: async () => (await import("../validation/cross-validation.ts")).leaveOutError,
  /** One half of a stack's runs fitted, the other predicted (validate's calibration check). */
  halfSplit: async () => (await import("../validation/calibration-check.ts")).halfSplitErrors,
} satisfies Record<string, () => Promise<(input: never) => unknown>>;

export type TaskKind = keyof typeof TASKS;
type Task<K extends TaskKind> = Awaited<ReturnType<(typeof TASKS)[K]>>;
export type TaskInput<K extends TaskKind> = Parameters<Task<K>>[0];
export type TaskOutput<K extends TaskKind> = ReturnType<Task<K>>;
