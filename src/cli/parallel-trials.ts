import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ScenarioPlan } from "../pipeline/plan.ts";
import { scenarioRunModel, simulateScenario } from "../pipeline/simulate.ts";
import type { MonteCarloResult, RunModel } from "../reliability/monte-carlo.ts";
import {
  expectedInterruptionsPerTrial,
  type SimulationResult,
  type TrialChunk,
  trialChunks,
} from "../reliability/simulate.ts";
import { ChunkDispatch, type ChunkReply, THREADED_INTERRUPTIONS } from "../reliability/trial-dispatch.ts";
import type { Scenario } from "../scenario/normalize.ts";

// Monte Carlo chunks over worker threads. Each trial is seeded by its index and the results come back
// in chunk order whatever thread ran them, so the same seed gives the same bytes for any thread count.

/** The default pool: every core, at most 8 (past that, start-up and merging eat the gain). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/**
 * A trial thread: the compiled worker next to this file in dist/; from source (tests, tsx), a small
 * bootstrap that registers tsx first, since Node 20 loads a worker's entry before its --import hooks.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./trial-worker.js", import.meta.url));
  const entry = new URL("./trial-worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

export interface RunOptions {
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Stops the threads (the pool is closed) and rejects: Ctrl-C aborts it from the command. */
  readonly signal?: AbortSignal | undefined;
}

interface Job {
  reply(thread: Worker, reply: ChunkReply): void;
  fail(error: unknown): void;
}

/** Threads that run trial chunks, one run at a time; `close` ends them. */
export class TrialPool {
  readonly #threads: Worker[];
  #job: Job | undefined;
  #closed = false;

  constructor(size: number) {
    this.#threads = Array.from({ length: Math.max(1, size) }, () => {
      const thread = startWorker();
      thread.on("message", (reply: ChunkReply) => this.#job?.reply(thread, reply));
      thread.on("error", (error) => this.#fail(error));
      thread.on("exit", (code) => {
        if (!this.#closed) this.#fail(new Error(`a trial thread exited (code ${code})`));
      });
      return thread;
    });
  }

  get size(): number {
    return this.#threads.length;
  }

  #fail(error: unknown): void {
    const job = this.#job;
    void this.close();
    job?.fail(error);
  }

  /** Runs `chunks` of `model`'s trials for `seed`; the results in chunk order. */
  run(
    model: RunModel,
    seed: number,
    chunks: readonly TrialChunk[],
    options: RunOptions = {},
  ): Promise<MonteCarloResult[]> {
    if (this.#closed) return Promise.reject(new Error("the trial pool is closed"));
    if (this.#job) return Promise.reject(new Error("the trial pool runs one job at a time"));
    const dispatch = new ChunkDispatch(model, seed, chunks);
    const { signal, onProgress } = options;
    return new Promise<MonteCarloResult[]>((resolve, reject) => {
      const end = (error?: unknown) => {
        this.#job = undefined;
        signal?.removeEventListener("abort", aborted);
        if (error === undefined) resolve(dispatch.results);
        else reject(error);
      };
      const aborted = () => this.#fail(signal?.reason ?? new Error("aborted"));
      const feed = (thread: Worker) => {
        const request = dispatch.next();
        if (request) thread.postMessage(request);
      };
      this.#job = {
        reply: (thread, reply) => {
          const complete = dispatch.accept(reply);
          onProgress?.(dispatch.doneTrials, dispatch.totalTrials);
          if (complete) end();
          else feed(thread);
        },
        fail: end,
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener("abort", aborted, { once: true });
      if (chunks.length === 0) return end();
      for (const thread of this.#threads) feed(thread);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((thread) => thread.terminate()));
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
  const threads =
    workers !== "auto"
      ? workers
      : expectedInterruptionsPerTrial(model) * trials >= THREADED_INTERRUPTIONS
        ? defaultWorkers()
        : 1;
  if (threads <= 1) return simulateScenario(scenario, plan, onProgress);
  const pool = new TrialPool(Math.min(threads, chunks.length));
  const controller = new AbortController();
  const interrupted = () => {
    controller.abort(new Error("interrupted"));
    if (onProgress) process.stderr.write("\r\x1b[K");
    process.kill(process.pid, "SIGINT");
  };
  process.once("SIGINT", interrupted);
  let computed: MonteCarloResult[];
  try {
    computed = await pool.run(model, seed, chunks, { onProgress, signal: controller.signal });
  } finally {
    process.off("SIGINT", interrupted);
    await pool.close();
  }
  const run = simulateScenario(scenario, plan, undefined, { chunks: computed });
  // The timing covers the threads too, not only the merge.
  return { ...run, seconds: (performance.now() - started) / 1000 };
}
