// One Web Worker of task-pool.ts: a task in, its output out (src/tasks.ts runs it).
import { runTask, type TaskKind } from "../../src/index.ts";

self.onmessage = async (event: MessageEvent<{ index: number; kind: TaskKind; input: unknown }>) => {
  const { index, kind, input } = event.data;
  try {
    self.postMessage({ index, output: await runTask(kind, input) });
  } catch (error) {
    self.postMessage({ index, error: error instanceof Error ? error.message : String(error) });
  }
};
