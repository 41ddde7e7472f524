// The run's Monte Carlo over several Web Workers, started by the run worker (nested workers: ended
// with it when a run is cancelled). As the CLI's --workers: trials are seeded by index and the chunks
// merge in order, so the page shows the same bytes whatever the browser's core count.
import {
  expectedInterruptionsPerTrial,
  type MonteCarloResult,
  type RunModel,
  type Scenario,
  type ScenarioPlan,
  type SimulationResult,
  scenarioRunModel,
  simulateScenario,
  type TrialChunk,
  trialChunks,
} from "../../src/index.ts";
import type { ChunkRequest } from "./trial-worker.ts";

/** As the CLI: below this many interruptions in all trials, starting workers costs more than it saves. */
const THREADED_EVENTS = 5_000_000;

/** Runs `chunks` on `size` workers, handed out one at a time; the results in chunk order. */
function runChunks(
  model: RunModel,
  seed: number,
  chunks: readonly TrialChunk[],
  size: number,
  onProgress: (done: number, total: number) => void,
): Promise<MonteCarloResult[]> {
  const total = chunks.reduce((sum, chunk) => sum + chunk.to - chunk.from, 0);
  const results = new Array<MonteCarloResult>(chunks.length);
  const workers: Worker[] = [];
  return new Promise<MonteCarloResult[]>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let done = 0;
    const end = (error?: unknown) => {
      for (const worker of workers) worker.terminate();
      if (error === undefined) resolve(results);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      const chunk = chunks[next];
      if (chunk === undefined) return;
      worker.postMessage({
        index: next++,
        model,
        seed,
        from: chunk.from,
        to: chunk.to,
      } satisfies ChunkRequest);
    };
    for (let i = 0; i < Math.min(size, chunks.length); i++) {
      const worker = new Worker(new URL("./trial-worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<{ index: number; result: MonteCarloResult }>) => {
        results[event.data.index] = event.data.result;
        done += event.data.result.trials.length;
        onProgress(done, total);
        if (++finished === chunks.length) end();
        else feed(worker);
      };
      worker.onerror = (event) => end(new Error(`a trial worker failed: ${event.message}`));
      feed(worker);
    }
  });
}

/** `simulateScenario`, its trials on every core (at most 8) when the run is long enough. */
export async function simulateOnWorkers(
  scenario: Scenario,
  plan: ScenarioPlan,
  onProgress: (done: number, total: number) => void,
): Promise<SimulationResult> {
  const { trials, seed } = scenario.run.simulation;
  const chunks = trialChunks(trials);
  const cores = Math.min(8, typeof navigator === "undefined" ? 1 : (navigator.hardwareConcurrency ?? 1));
  if (cores <= 1 || chunks.length <= 1) return simulateScenario(scenario, plan, onProgress);
  const started = performance.now();
  const model = scenarioRunModel(scenario, plan);
  if (expectedInterruptionsPerTrial(model) * trials < THREADED_EVENTS) {
    return simulateScenario(scenario, plan, onProgress);
  }
  const computed = await runChunks(model, seed, chunks, cores, onProgress);
  const run = simulateScenario(scenario, plan, undefined, { chunks: computed });
  return { ...run, seconds: (performance.now() - started) / 1000 };
}
