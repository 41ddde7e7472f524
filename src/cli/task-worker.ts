import { parentPort } from "node:worker_threads";
import type { TaskReply, TaskRequest } from "./task-pool.ts";
import { TASKS, type TaskKind } from "./tasks.ts";

// One thread of task-pool.ts: a task in, its output out. Each kind of task loads on its first use and
// stays loaded, so one pool serves any number of runs.

const loaded = new Map<TaskKind, Promise<(input: never) => unknown>>();

parentPort?.on("message", async ({ kind, input }: TaskRequest) => {
  let reply: TaskReply;
  try {
    let task = loaded.get(kind);
    if (!task) {
      task = TASKS[kind]();
      loaded.set(kind, task);
    }
    reply = { output: (await task)(input as never) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
