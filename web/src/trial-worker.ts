// One Web Worker of trial-pool.ts: a trial range in, that range's result out.
import { type ChunkRequest, runChunk } from "../../src/index.ts";

self.onmessage = (event: MessageEvent<ChunkRequest>) => self.postMessage(runChunk(event.data));
