import { parentPort } from "node:worker_threads";
import { type ChunkRequest, runChunk } from "../reliability/trial-dispatch.ts";

// One thread of parallel-trials.ts: a trial range in, that range's result out. Stateless, so one pool
// serves any number of runs.

parentPort?.on("message", (request: ChunkRequest) => parentPort?.postMessage(runChunk(request)));
