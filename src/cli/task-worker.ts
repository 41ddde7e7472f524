import { parentPort } from "node:worker_threads";
import { runTask } from "../tasks.ts";
import type { TaskReply, TaskRequest } from "./task-pool.ts";

// One thread of task-pool.ts: a task in, its output out (src/tasks.ts runs it), so one pool serves any
// number of runs.

parentPort?.on("message", async ({ kind, input }: TaskRequest) => {
  let reply: TaskReply;
  try {
    reply = { output: await runTask(kind, input) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
