// The run's Monte Carlo over several Web Workers, started by the run worker (nested workers: ended
// with it when a run is cancelled). As the CLI's --workers: trials are seeded by index and the chunks
// merge in order, so the page shows the same bytes whatever the browser's core count.
import {
  ChunkDispatch,
  type ChunkReply,
  expectedInterruptionsPerTrial,
  type MonteCarloResult,
  type RunModel,
  type Scenario,
  type ScenarioPlan,
  type SimulationResult,
  scenarioRunModel,
  simulateScenario,
  THREADED_INTERRUPTIONS,
  type TrialChunk,
  trialChunks,
} from "../../src/index.ts";

/** Runs `chunks` on `size` workers, handed out one at a time; the results in chunk order. */
function runChunks(
  model: RunModel,
  seed: number,
  chunks: readonly TrialChunk[],
  size: number,
  onProgress: (done: number, total: number) => void,
): Promise<MonteCarloResult[]> {
  const dispatch = new ChunkDispatch(model, seed, chunks);
  const workers: Worker[] = [];
  return new Promise<MonteCarloResult[]>((resolve, reject) => {
    const end = (error?: unknown) => {
      for (const worker of workers) worker.terminate();
      if (error === undefined) resolve(dispatch.results);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      const request = dispatch.next();
      if (request) worker.postMessage(request);
    };
    for (let i = 0; i < Math.min(size, chunks.length); i++) {
      const worker = new Worker(new URL("./trial-worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<ChunkReply>) => {
        const complete = dispatch.accept(event.data);
        onProgress(dispatch.doneTrials, dispatch.totalTrials);
        if (complete) end();
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
  if (expectedInterruptionsPerTrial(model) * trials < THREADED_INTERRUPTIONS) {
    return simulateScenario(scenario, plan, onProgress);
  }
  const computed = await runChunks(model, seed, chunks, cores, onProgress);
  const run = simulateScenario(scenario, plan, undefined, { chunks: computed });
  return { ...run, seconds: (performance.now() - started) / 1000 };
}
