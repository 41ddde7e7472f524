import { availableParallelism } from "node:os";
import { InputError } from "../errors.ts";
import type { Threads } from "../tasks.ts";

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

/** The command's threads: `workers` asked for (undefined: as the work repays them), on every core. */
export function cliThreads(workers: number | undefined): Threads {
  return {
    asked: workers,
    cores: defaultWorkers(),
    map: async (kind, inputs, count, onProgress, weight) =>
      (await import("./task-pool.ts")).mapOnThreads(kind, inputs, count, onProgress, weight),
  };
}
