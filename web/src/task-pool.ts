// The page's long work over several Web Workers, started by the run worker (nested workers: ended with
// it when a job is cancelled), as the CLI's --workers: the Monte Carlo's trial ranges, a sweep's points
// and an uncertainty analysis' samples. Each task depends only on its input and the outputs come back
// in input order, so the page shows the same bytes whatever the browser's core count.
import type { Progress, TaskInput, TaskKind, TaskOutput, Threads } from "../../src/index.ts";

/** Workers the page's address asked for (`?workers=N`, as the CLI's --workers); undefined: by the work. */
let askedWorkers: number | undefined;

export function askWorkers(workers: number | undefined): void {
  askedWorkers = workers;
}

/** The browser's cores, at most 8 (past that, start-up and merging eat the gain). */
function cores(): number {
  return Math.min(8, typeof navigator === "undefined" ? 1 : (navigator.hardwareConcurrency ?? 1));
}

/**
 * `inputs` of one kind on `size` workers, handed out one at a time (a slow worker takes fewer, progress
 * moves evenly); the outputs in input order. `weight` says how much of the progress each input is.
 */
function mapOnWorkers<K extends TaskKind>(
  kind: K,
  inputs: readonly TaskInput<K>[],
  size: number,
  onProgress: Progress | undefined,
  weight: (input: TaskInput<K>) => number = () => 1,
): Promise<TaskOutput<K>[]> {
  const outputs = new Array<TaskOutput<K>>(inputs.length);
  const total = inputs.reduce((sum, input) => sum + weight(input), 0);
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const end = (error?: unknown) => {
      for (const worker of workers) worker.terminate();
      if (error === undefined) resolve(outputs);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      if (next < inputs.length) worker.postMessage({ index: next, kind, input: inputs[next++] });
    };
    for (let i = 0; i < Math.min(size, inputs.length); i++) {
      const worker = new Worker(new URL("./task-worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      worker.onmessage = (event: MessageEvent<{ index: number; output?: TaskOutput<K>; error?: string }>) => {
        const { index, output, error } = event.data;
        if (error !== undefined) return end(new Error(error));
        outputs[index] = output as TaskOutput<K>;
        done += weight(inputs[index] as TaskInput<K>);
        onProgress?.(done, total);
        if (++finished === inputs.length) end();
        else feed(worker);
      };
      worker.onerror = (event) => end(new Error(`a worker failed: ${event.message}`));
      feed(worker);
    }
  });
}

/**
 * The page's threads for the analyses (simulateOnThreads, sweepOnThreads, uncertaintyOnThreads): the
 * workers its address asked for, or as many as the work repays, on the browser's cores.
 */
export function pageThreads(): Threads {
  return {
    asked: askedWorkers,
    cores: cores(),
    map: mapOnWorkers,
  };
}
