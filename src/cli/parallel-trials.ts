import type { MonteCarloResult, RunModel } from "../reliability/monte-carlo.ts";
import type { TrialChunk } from "../reliability/simulate.ts";
import { type RunOptions, TaskPool } from "./task-pool.ts";

export { defaultWorkers } from "./workers.ts";

// A pool kept for many runs of Monte Carlo chunks (the benchmark, the tests); a command runs its trials
// through simulateOnThreads (pipeline/simulate.ts). Each trial is seeded by its index and the results
// come back in chunk order whatever thread ran them: the same seed, the same bytes for any thread count.

/** Threads that run trial chunks; `close` ends them. */
export class TrialPool {
  readonly #pool: TaskPool;

  constructor(size: number) {
    this.#pool = new TaskPool(size);
  }

  get size(): number {
    return this.#pool.size;
  }

  /** Runs `chunks` of `model`'s trials for `seed`; the results in chunk order, progress in trials. */
  run(
    model: RunModel,
    seed: number,
    chunks: readonly TrialChunk[],
    options: RunOptions = {},
  ): Promise<MonteCarloResult[]> {
    const ranges = chunks.map(({ from, to }) => ({ model, seed, from, to }));
    return this.#pool.run("trials", ranges, { ...options, weight: ({ from, to }) => to - from });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
