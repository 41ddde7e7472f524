// One Web Worker of trial-pool.ts: a trial range in, that range's result out, the same numbers the
// run worker would compute itself.
import { type RunModel, simulateTrials } from "../../src/index.ts";

export interface ChunkRequest {
  readonly index: number;
  readonly model: RunModel;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
}

self.onmessage = (event: MessageEvent<ChunkRequest>) => {
  const { index, model, seed, from, to } = event.data;
  self.postMessage({ index, result: simulateTrials(model, seed, from, to) });
};
