import type { RunModel } from "./reliability/monte-carlo.ts";

// What a worker thread (the CLI's task pool, the page's Web Workers) can do: each kind of task, loaded on
// its first use (a thread that only runs trials never loads the layout search's callers), one plain
// input in, one plain output out. Every task depends only on its input, so the results do not depend on
// which thread ran them. No node:* or DOM here: both kinds of worker run these.

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
    const { simulateTrials } = await import("./reliability/monte-carlo.ts");
    return ({ model, seed, from, to }: TrialRange) => simulateTrials(model, seed, from, to);
  },
  /** One point of a sweep: the raw scenario file and the point's values. */
  sweepPoint: async () => {
    const { sweepPoint } = await import("./pipeline/sweep.ts");
    return ({ raw, values }: { readonly raw: unknown; readonly values: Record<string, number | string> }) =>
      sweepPoint(raw, values);
  },
  /** One sampled scenario of an uncertainty analysis; the thread keeps its plans for the next samples. */
  uncertaintySample: async () => {
    const { attempt, planEvaluator } = await import("./pipeline/uncertainty.ts");
    const evaluate = planEvaluator();
    return (scenario: unknown) => attempt(() => evaluate(scenario));
  },
  /** One row of the accuracy table: the catalog's published run by its index. */
  publishedRun: async () => (await import("./validation/accuracy.ts")).evaluatePublishedRun,
  /** One stack left out of the fit (validate's cross-validation). */
  leaveOut: async () => (await import("./validation/cross-validation.ts")).leaveOutError,
  /** One half of a stack's runs fitted, the other predicted (validate's calibration check). */
  halfSplit: async () => (await import("./validation/calibration-check.ts")).halfSplitErrors,
} satisfies Record<string, () => Promise<(input: never) => unknown>>;

export type TaskKind = keyof typeof TASKS;
type Task<K extends TaskKind> = Awaited<ReturnType<(typeof TASKS)[K]>>;
export type TaskInput<K extends TaskKind> = Parameters<Task<K>>[0];
/** What a task gives back (awaited: a thread posts the value, not a promise). */
export type TaskOutput<K extends TaskKind> = Awaited<ReturnType<Task<K>>>;

/**
 * Below this many interruptions expected over all trials (about half a second in process), starting
 * threads and warming each one's JIT costs more than the Monte Carlo saves.
 */
export const THREADED_INTERRUPTIONS = 5_000_000;

/**
 * Cores from which the planner's work (sweep points, uncertainty samples, validate's rows) goes to
 * threads by default. Below it the planner in process already keeps the cores busy, as V8 compiles and
 * collects garbage on helper threads of its own (validate on 2 cores: 4.2 s of CPU on the main thread,
 * 4.9 s on the helpers), and each thread compiles the same code again: on 2 cores, 2 threads ran
 * validate 1.2-1.5x slower and a 64-point sweep no faster. The Monte Carlo, which allocates and
 * compiles little, gains on 2 cores and has its own rule (THREADED_INTERRUPTIONS).
 */
export const PLANNER_THREADS_MIN_CORES = 4;

/**
 * Sweeps of this many points or more go to threads by default (from PLANNER_THREADS_MIN_CORES cores). A
 * point plans and runs 200 trials (about 0.1 s for a 16,384-GPU search); a thread's first point costs
 * about a second more (loading the planner, warming its JIT).
 */
export const THREADED_SWEEP_POINTS = 16;

/**
 * Uncertainty analyses of this many evaluations (samples and swings) or more go to threads by default
 * (from PLANNER_THREADS_MIN_CORES cores). Before the search's rewrite, on 2 cores, Colossus' uncertain
 * example took 1.2-1.5x less time on 2 threads with 212 of them and longer with 60.
 */
export const THREADED_UNCERTAINTY_SCENARIOS = 128;

/**
 * Threads for `tasks` independent tasks: as many as asked, else `cores` when the work repays starting
 * them; never more than the tasks. 1: in process. The CLI's --workers and the page's ?workers=N.
 */
export function threadsFor(
  asked: number | undefined,
  tasks: number,
  worthIt: boolean,
  cores: number,
): number {
  return Math.max(1, Math.min(asked ?? (worthIt ? cores : 1), tasks));
}

/** Whether `tasks` of the planner's work repay threads by default: enough of them, and cores to spare. */
export function plannerWorkPays(tasks: number, threshold: number, cores: number): boolean {
  return tasks >= threshold && cores >= PLANNER_THREADS_MIN_CORES;
}

/** Work done so far and in all. */
export type Progress = (done: number, total: number) => void;

/**
 * The threads a caller can run tasks on: the CLI's worker threads (--workers) or the page's Web Workers
 * (?workers=N). The analyses (simulate, sweep, uncertainty) decide from it how many to start, by the
 * rules above, and hand it their tasks.
 */
export interface Threads {
  /** Threads asked for; undefined: as many as the work repays. */
  readonly asked: number | undefined;
  /** Threads work that repays them gets by default: every core, at most 8. */
  readonly cores: number;
  /** Task `kind` on each input over `count` threads, the outputs in input order; `weight` paces progress. */
  map<K extends TaskKind>(
    kind: K,
    inputs: readonly TaskInput<K>[],
    count: number,
    onProgress?: Progress,
    weight?: (input: TaskInput<K>) => number,
  ): Promise<TaskOutput<K>[]>;
}

/** Threads for `tasks` of the planner's work (sweep points, uncertainty samples) of which `threshold` repay them. */
export function plannerThreads(threads: Threads, tasks: number, threshold: number): number {
  return threadsFor(threads.asked, tasks, plannerWorkPays(tasks, threshold, threads.cores), threads.cores);
}

const loaded = new Map<TaskKind, Promise<(input: never) => unknown>>();

/** Runs one task in this thread, loading its kind on first use and keeping it for the next tasks. */
export async function runTask(kind: TaskKind, input: unknown): Promise<unknown> {
  let task = loaded.get(kind);
  if (!task) {
    task = TASKS[kind]();
    loaded.set(kind, task);
  }
  return (await task)(input as never);
}
