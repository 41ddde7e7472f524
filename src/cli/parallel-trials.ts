import type { ScenarioPlan } from "../pipeline/plan.ts";
import { scenarioRunModel, simulateScenario } from "../pipeline/simulate.ts";
import type { MonteCarloResult, RunModel } from "../reliability/monte-carlo.ts";
import {
  expectedInterruptionsPerTrial,
  type SimulationResult,
  type TrialChunk,
  trialChunks,
} from "../reliability/simulate.ts";
import type { Scenario } from "../scenario/normalize.ts";
import { THREADED_INTERRUPTIONS } from "../tasks.ts";
import { type RunOptions, TaskPool, withTaskPool } from "./task-pool.ts";
import { threadsFor } from "./workers.ts";

export { defaultWorkers } from "./workers.ts";

// Monte Carlo chunks over worker threads (task-pool.ts). Each trial is seeded by its index and the
// results come back in chunk order whatever thread ran them, so the same seed gives the same bytes for
// any thread count.

/** `chunks` of `model`'s trials for `seed` on `pool`: the results in chunk order, progress in trials. */
function runTrials(
  pool: TaskPool,
  model: RunModel,
  seed: number,
  chunks: readonly TrialChunk[],
  options: RunOptions,
): Promise<MonteCarloResult[]> {
  const ranges = chunks.map(({ from, to }) => ({ model, seed, from, to }));
  return pool.run("trials", ranges, { ...options, weight: ({ from, to }) => to - from });
}

/** Threads that run trial chunks; `close` ends them. */
export class TrialPool {
  readonly #pool: TaskPool;

  constructor(size: number) {
    this.#pool = new TaskPool(size);
  }

  get size(): number {
    return this.#pool.size;
  }

  /** Runs `chunks` of `model`'s trials for `seed`; the results in chunk order. */
  run(
    model: RunModel,
    seed: number,
    chunks: readonly TrialChunk[],
    options: RunOptions = {},
  ): Promise<MonteCarloResult[]> {
    return runTrials(this.#pool, model, seed, chunks, options);
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/**
 * `simulateScenario` with its Monte Carlo on `workers` threads (1: in process, as before; "auto": every
 * core when the run is long enough). Ctrl-C stops the threads, clears the progress bar and ends the
 * process as Ctrl-C would.
 */
export async function simulateOnWorkers(
  scenario: Scenario,
  plan: ScenarioPlan,
  workers: number | "auto",
  onProgress?: (done: number, total: number) => void,
): Promise<SimulationResult> {
  const { trials, seed } = scenario.run.simulation;
  const chunks = trialChunks(trials);
  if (workers === 1 || chunks.length <= 1) return simulateScenario(scenario, plan, onProgress);
  const started = performance.now();
  // Checks the work limits before any thread starts, with the same message as in process.
  const model = scenarioRunModel(scenario, plan);
  const long = expectedInterruptionsPerTrial(model) * trials >= THREADED_INTERRUPTIONS;
  const threads = threadsFor(workers, chunks.length, long);
  if (threads <= 1) return simulateScenario(scenario, plan, onProgress);
  const computed = await withTaskPool(
    threads,
    (pool, signal) => runTrials(pool, model, seed, chunks, { onProgress, signal }),
    onProgress !== undefined,
  );
  const run = simulateScenario(scenario, plan, undefined, { chunks: computed });
  // The timing covers the threads too, not only the merge.
  return { ...run, seconds: (performance.now() - started) / 1000 };
}
