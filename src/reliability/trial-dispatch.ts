import { type MonteCarloResult, type RunModel, simulateTrials } from "./monte-carlo.ts";
import type { TrialChunk } from "./simulate.ts";

// The page's Web Workers: the message a worker gets, what it does with it, and the hand-out of chunks
// whose results come back in chunk order, so the same seed gives the same bytes whatever the number of
// workers. The CLI's threads run the same chunks through its general task pool (src/cli/task-pool.ts)
// and share the threshold below.

/** One chunk of a run's trials, as a worker receives it. */
export interface ChunkRequest {
  readonly index: number;
  readonly model: RunModel;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
}

export interface ChunkReply {
  readonly index: number;
  readonly result: MonteCarloResult;
}

/** A worker's whole job: the same numbers simulateRun computes for that range in process. */
export function runChunk({ index, model, seed, from, to }: ChunkRequest): ChunkReply {
  return { index, result: simulateTrials(model, seed, from, to) };
}

/**
 * Below this many interruptions expected over all trials (about half a second in process), starting
 * workers and warming each one's JIT costs more than it saves.
 */
export const THREADED_INTERRUPTIONS = 5_000_000;

/** Chunks handed out one at a time (a slow worker takes fewer, progress moves evenly), gathered in order. */
export class ChunkDispatch {
  readonly results: MonteCarloResult[];
  /** Trials in all chunks, and those whose results are back. */
  readonly totalTrials: number;
  doneTrials = 0;
  #next = 0;
  #finished = 0;

  constructor(
    readonly model: RunModel,
    readonly seed: number,
    readonly chunks: readonly TrialChunk[],
  ) {
    this.results = new Array<MonteCarloResult>(chunks.length);
    this.totalTrials = chunks.reduce((sum, chunk) => sum + chunk.to - chunk.from, 0);
  }

  /** The next chunk to hand out; undefined once all are out. */
  next(): ChunkRequest | undefined {
    const chunk = this.chunks[this.#next];
    if (chunk === undefined) return undefined;
    return { index: this.#next++, model: this.model, seed: this.seed, from: chunk.from, to: chunk.to };
  }

  /** Records a chunk's result; true once every chunk is back. */
  accept({ index, result }: ChunkReply): boolean {
    this.results[index] = result;
    this.doneTrials += result.trials.length;
    return ++this.#finished === this.chunks.length;
  }
}
