import { parentPort } from "node:worker_threads";
import { type RunModel, simulateTrials } from "../reliability/monte-carlo.ts";

// One thread of parallel-trials.ts: a trial range in, that range's result out, the same numbers
// simulateRun would compute in process. Stateless, so one pool serves any number of runs.

export interface ChunkRequest {
  readonly index: number;
  readonly model: RunModel;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
}

parentPort?.on("message", ({ index, model, seed, from, to }: ChunkRequest) => {
  parentPort?.postMessage({ index, result: simulateTrials(model, seed, from, to) });
});
