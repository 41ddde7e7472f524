import { availableParallelism } from "node:os";
import { InputError } from "../errors.ts";
import { plannerWorkPays, threadsFor as threadsOn } from "../tasks.ts";

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
  return threadsOn(typeof workers === "number" ? workers : undefined, tasks, bigEnough, defaultWorkers());
}

/** Whether `tasks` of the planner's work repay threads by default: enough of them, and cores to spare. */
export function plannerThreadsPay(tasks: number, threshold: number): boolean {
  return plannerWorkPays(tasks, threshold, availableParallelism());
}
