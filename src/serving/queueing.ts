import type { ReplicaResult, ServingSetup } from "./replica.ts";

// Latency at a percentile under load: Poisson arrivals at a replica's share of the peak. A request
// waits for a free batch slot (Erlang C over the batch's slots, each held for a request's decode) and
// for the prefill work queued before it (M/M/1). With prefill and decode sharing the GPUs, the engine
// spreads the prompts over the decode steps in small chunks (Sarathi-Serve's stall-free batching), so
// every step stretches by the prefills' share of the GPU's time instead of some steps stalling.

export interface LatencyAtLoad {
  /** Requests per second one replica receives (a prefill replica, with disaggregation). */
  readonly requestsPerSecond: number;
  readonly percentile: number;
  readonly timeToFirstTokenSeconds: number;
  readonly timePerOutputTokenSeconds: number;
  /** The parts of the time to first token: waiting for a batch slot, then for the prefill queue. */
  readonly slotWaitSeconds: number;
  readonly prefillWaitSeconds: number;
  /** Share of a colocated replica's GPU time its prefills take at this load (0 disaggregated). */
  readonly prefillShare: number;
}

/** Probability an arrival waits in an M/M/c queue with offered load a = lambda / mu (Erlang C). */
export function erlangC(servers: number, offeredLoad: number): number {
  if (offeredLoad <= 0) return 0;
  if (offeredLoad >= servers) return 1;
  // Erlang B by its stable recursion, then C from B.
  let blocking = 1;
  for (let k = 1; k <= servers; k++) blocking = (offeredLoad * blocking) / (k + offeredLoad * blocking);
  const rho = offeredLoad / servers;
  return blocking / (1 - rho + rho * blocking);
}

/** The p-quantile of an exponential tail P(W > t) = mass e^(-rate t): 0 when the mass is under 1 - p. */
function tailQuantile(mass: number, rate: number, p: number): number {
  if (mass <= 1 - p) return 0;
  if (rate <= 0) return Number.POSITIVE_INFINITY;
  return Math.log(mass / (1 - p)) / rate;
}

/** Requests per second one replica receives: a colocated replica does both; a disaggregated pool one. */
export type ReplicaLoad =
  | { readonly colocated: number }
  | { readonly prefill: number; readonly decode: number };

/**
 * The latencies at the p-th percentile under `load`. A colocated replica's decode steps share the GPUs
 * with the prefills; a disaggregated decode pool's do not. Infinite when the load exceeds what the
 * replica can do.
 */
export function latencyAtLoad(
  setup: ServingSetup,
  replica: ReplicaResult,
  load: ReplicaLoad,
  percentile: number,
): LatencyAtLoad {
  const colocated = "colocated" in load;
  const prefillRps = colocated ? load.colocated : load.prefill;
  const decodeRps = colocated ? load.colocated : load.decode;
  // Prefill work per request at the batched rate.
  const perRequest = setup.inputTokens / replica.prefillTokensPerSecond;
  const prefillLoad = prefillRps * perRequest;
  const prefillShare = colocated ? prefillLoad : 0;
  if (prefillShare >= 1) return overloaded(percentile, prefillRps);
  const step = replica.decode.total / (1 - prefillShare);
  // A slot is held for the request's decode steps.
  const hold = (setup.outputTokens / replica.tokensPerStep) * step;
  const slots = replica.layout.batch;
  const slotWait = tailQuantile(erlangC(slots, decodeRps * hold), slots / hold - decodeRps, percentile);
  const prefillWait =
    prefillLoad >= 1
      ? Number.POSITIVE_INFINITY
      : tailQuantile(prefillLoad, (1 - prefillLoad) / perRequest, percentile);
  return {
    requestsPerSecond: prefillRps,
    percentile,
    timeToFirstTokenSeconds: replica.timeToFirstTokenSeconds + slotWait + prefillWait,
    timePerOutputTokenSeconds: step / replica.tokensPerStep,
    slotWaitSeconds: slotWait,
    prefillWaitSeconds: prefillWait,
    prefillShare,
  };
}

/** More prefill than the replica can do: every latency unbounded. */
function overloaded(percentile: number, requestsPerSecond: number): LatencyAtLoad {
  const never = Number.POSITIVE_INFINITY;
  return {
    requestsPerSecond,
    percentile,
    timeToFirstTokenSeconds: never,
    timePerOutputTokenSeconds: never,
    slotWaitSeconds: never,
    prefillWaitSeconds: never,
    prefillShare: 1,
  };
}
