import { availableParallelism } from "node:os";
import { InputError } from "../errors.ts";

// How many threads a command's work runs on (--workers). Light on purpose: a command loads the thread
// pool (task-pool.ts, node:worker_threads) only once it has decided to start threads.

/** The default pool: every core, at most 8 (past that, start-up and merging eat the gain). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/** --workers: a whole number of threads, 1 or more; absent (undefined), every core (at most 8) for big work. */
export function workersOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new InputError("--workers", value, "a whole number of threads from 1 to 256");
  }
  return workers;
}

/**
 * The threads to start for `tasks` independent tasks: as many as asked, or with none asked ("auto"),
 * every core when the work is big enough to repay starting them; never more than the tasks. 1: in process.
 */
export function threadsFor(workers: number | "auto" | undefined, tasks: number, bigEnough: boolean): number {
  const asked = typeof workers === "number" ? workers : bigEnough ? defaultWorkers() : 1;
  return Math.max(1, Math.min(asked, tasks));
}

/**
 * Cores from which the planner's work (sweep points, uncertainty samples, validate's rows) starts
 * threads when --workers is not given. Below it the planner in process already keeps the cores busy, as
 * V8 compiles and collects garbage on helper threads of its own (validate on 2 cores: 4.2 s of CPU on
 * the main thread, 4.9 s on the helpers), and each thread compiles the same code again: on 2 cores, 2
 * threads ran validate 1.2-1.5x slower and a 64-point sweep no faster. The Monte Carlo, which
 * allocates and compiles little, gains on 2 cores and has its own rule.
 */
export const PLANNER_THREADS_MIN_CORES = 4;

/** Whether `tasks` of the planner's work repay threads by default: enough of them, and cores to spare. */
export function plannerThreadsPay(tasks: number, threshold: number): boolean {
  return tasks >= threshold && availableParallelism() >= PLANNER_THREADS_MIN_CORES;
}
