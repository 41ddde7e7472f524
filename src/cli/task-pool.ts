import { Worker } from "node:worker_threads";
import type { TaskInput, TaskKind, TaskOutput } from "../tasks.ts";

// Independent tasks over worker threads: inputs handed out one at a time (a slow thread takes fewer,
// progress moves evenly), outputs gathered by index. Each task depends only on its input, so the
// results are those of the same tasks in process, in the same order, whatever the thread count.

/** A task as a thread receives it: the kind (tasks.ts) and one plain, structured-cloneable input. */
export interface TaskRequest {
  readonly kind: TaskKind;
  readonly input: unknown;
}

/** The task's output, or the message of what it threw. */
export type TaskReply = { readonly output: unknown; readonly error?: undefined } | { readonly error: string };

/**
 * A thread: the compiled worker next to this file in dist/; from source (tests, tsx), a small
 * bootstrap that registers tsx first, since Node 20 loads a worker's entry before its --import hooks.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./task-worker.js", import.meta.url));
  const entry = new URL("./task-worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

export interface RunOptions {
  /** Called as tasks come back: the weight done so far and in all (by default each task weighs 1). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Stops the threads (the pool is closed) and rejects: Ctrl-C aborts it from the command. */
  readonly signal?: AbortSignal | undefined;
}

/** A task handed out or waiting: which run it belongs to, and its place in that run's inputs. */
interface Pending {
  readonly job: Job;
  readonly index: number;
}

interface Job {
  readonly kind: TaskKind;
  readonly inputs: readonly unknown[];
  done(index: number, output: unknown): void;
  fail(error: unknown): void;
}

/**
 * Threads that run tasks; several runs (lists of tasks, each of one kind) may share them at once, their
 * tasks handed out in the order the runs were asked for. `close` ends the threads.
 */
export class TaskPool {
  readonly #threads: Worker[];
  /** Tasks not yet handed out, and the one each busy thread runs. */
  readonly #waiting: Pending[] = [];
  readonly #running = new Map<Worker, Pending>();
  readonly #jobs = new Set<Job>();
  #closed = false;

  constructor(size: number) {
    this.#threads = Array.from({ length: Math.max(1, size) }, () => {
      const thread = startWorker();
      thread.on("message", (reply: TaskReply) => this.#reply(thread, reply));
      thread.on("error", (error) => this.#fail(error));
      thread.on("exit", (code) => {
        if (!this.#closed) this.#fail(new Error(`a worker thread exited (code ${code})`));
      });
      return thread;
    });
  }

  get size(): number {
    return this.#threads.length;
  }

  #reply(thread: Worker, reply: TaskReply): void {
    const pending = this.#running.get(thread);
    this.#running.delete(thread);
    // A task that throws is a bug, as it would be in process: the pool stops and its runs fail.
    if (reply.error !== undefined) this.#fail(new Error(reply.error));
    else {
      pending?.job.done(pending.index, reply.output);
      this.#feed();
    }
  }

  /** Hands waiting tasks to idle threads. */
  #feed(): void {
    for (const thread of this.#threads) {
      if (this.#closed || this.#waiting.length === 0) return;
      if (this.#running.has(thread)) continue;
      const pending = this.#waiting.shift() as Pending;
      this.#running.set(thread, pending);
      const request: TaskRequest = { kind: pending.job.kind, input: pending.job.inputs[pending.index] };
      try {
        thread.postMessage(request);
      } catch (error) {
        // An input that cannot be copied to a thread (a function, say) is a bug: the pool stops.
        this.#fail(error);
      }
    }
  }

  #fail(error: unknown): void {
    const jobs = [...this.#jobs];
    void this.close();
    for (const job of jobs) job.fail(error);
  }

  /** The outputs of task `kind` on each of `inputs`, in input order; `weight` paces the progress. */
  run<K extends TaskKind>(
    kind: K,
    inputs: readonly TaskInput<K>[],
    options: RunOptions & { readonly weight?: (input: TaskInput<K>) => number } = {},
  ): Promise<TaskOutput<K>[]> {
    if (this.#closed) return Promise.reject(new Error("the worker pool is closed"));
    const { signal, onProgress, weight = () => 1 } = options;
    const outputs = new Array<TaskOutput<K>>(inputs.length);
    const total = inputs.reduce((sum, input) => sum + weight(input), 0);
    let finished = 0;
    let done = 0;
    return new Promise<TaskOutput<K>[]>((resolve, reject) => {
      const aborted = () => this.#fail(signal?.reason ?? new Error("aborted"));
      const end = (error?: unknown) => {
        this.#jobs.delete(job);
        signal?.removeEventListener("abort", aborted);
        if (error === undefined) resolve(outputs);
        else reject(error);
      };
      const job: Job = {
        kind,
        inputs,
        done: (index, output) => {
          outputs[index] = output as TaskOutput<K>;
          done += weight(inputs[index] as TaskInput<K>);
          onProgress?.(done, total);
          if (++finished === inputs.length) end();
        },
        fail: end,
      };
      this.#jobs.add(job);
      if (signal?.aborted) return aborted();
      signal?.addEventListener("abort", aborted, { once: true });
      if (inputs.length === 0) return end();
      for (let index = 0; index < inputs.length; index++) this.#waiting.push({ job, index });
      this.#feed();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    await Promise.all(this.#threads.map((thread) => thread.terminate()));
  }
}

/**
 * `work` on a pool of `size` threads, closed after. Ctrl-C aborts `work`'s signal (pass it to each
 * `run`), clears a progress bar if one is drawn and ends the process as Ctrl-C would.
 */
export async function withTaskPool<T>(
  size: number,
  work: (pool: TaskPool, signal: AbortSignal) => Promise<T>,
  progressShown = false,
): Promise<T> {
  const pool = new TaskPool(size);
  const controller = new AbortController();
  const interrupted = () => {
    controller.abort(new Error("interrupted"));
    if (progressShown) process.stderr.write("\r\x1b[K");
    process.kill(process.pid, "SIGINT");
  };
  process.once("SIGINT", interrupted);
  try {
    return await work(pool, controller.signal);
  } finally {
    process.off("SIGINT", interrupted);
    await pool.close();
  }
}

/**
 * Task `kind` on each of `inputs` over `threads` threads, the outputs in input order (`weight` paces the
 * progress); Ctrl-C stops it.
 */
export function mapOnThreads<K extends TaskKind>(
  kind: K,
  inputs: readonly TaskInput<K>[],
  threads: number,
  onProgress?: (done: number, total: number) => void,
  weight?: (input: TaskInput<K>) => number,
): Promise<TaskOutput<K>[]> {
  return withTaskPool(
    Math.min(threads, inputs.length),
    (pool, signal) => pool.run(kind, inputs, { onProgress, signal, weight }),
    onProgress !== undefined,
  );
}
