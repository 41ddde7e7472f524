import type { JobReply, JobRequest } from "./worker.ts";

// A worker and the one job it runs. A newer job either waits for the running one and drops it (plans:
// short, and a worker's restart costs more than the wait) or ends it at once (runs, sweeps, samples).

export type Outcome<T> =
  | { readonly kind: "done"; readonly result: T }
  | { readonly kind: "failed"; readonly error: { readonly path: string; readonly message: string } }
  /** Superseded by a newer job, or cancelled. */
  | { readonly kind: "dropped" };

interface Job {
  readonly request: JobRequest;
  readonly settle: (outcome: Outcome<unknown>) => void;
  readonly progress?: (fraction: number) => void;
}

export class JobRunner {
  #worker: Worker;
  #nextId = 0;
  #active: (Job & { readonly id: number }) | undefined;
  #waiting: Job | undefined;

  /** `workers`: Web Workers for a job's long work (the page's `?workers=N`); undefined: by the work. */
  constructor(
    private readonly restartWhenBusy: boolean,
    private readonly workers?: number,
  ) {
    this.#worker = this.#start();
  }

  run<T>(request: JobRequest, progress?: (fraction: number) => void): Promise<Outcome<T>> {
    return new Promise((settle) => {
      const job: Job = { request, settle: settle as Job["settle"], ...(progress ? { progress } : {}) };
      if (this.#active && this.restartWhenBusy) this.cancel();
      if (this.#active) {
        this.#waiting?.settle({ kind: "dropped" });
        this.#waiting = job;
        return;
      }
      this.#send(job);
    });
  }

  /** Ends the running job (and the one waiting), dropping both. */
  cancel(): void {
    if (!this.#active && !this.#waiting) return;
    this.#worker.terminate();
    this.#active?.settle({ kind: "dropped" });
    this.#waiting?.settle({ kind: "dropped" });
    this.#active = undefined;
    this.#waiting = undefined;
    this.#worker = this.#start();
  }

  #start(): Worker {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<JobReply>) => this.#onReply(event.data);
    return worker;
  }

  #send(job: Job): void {
    const id = ++this.#nextId;
    this.#active = { ...job, id };
    this.#worker.postMessage({ id, request: job.request, workers: this.workers });
  }

  #onReply(reply: JobReply): void {
    const active = this.#active;
    if (!active || reply.id !== active.id) return;
    if ("progress" in reply) {
      active.progress?.(reply.progress);
      return;
    }
    this.#active = undefined;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) {
      active.settle({ kind: "dropped" });
      this.#send(waiting);
      return;
    }
    active.settle(reply.ok ? { kind: "done", result: reply.result } : { kind: "failed", error: reply.error });
  }
}
