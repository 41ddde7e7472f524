import { InfeasibleError } from "../errors.ts";
import { type LatencyAtLoad, latencyAtLoad } from "./queueing.ts";
import {
  evaluateReplica,
  type ReplicaLayout,
  type ReplicaResult,
  replicaMemory,
  type ServingSetup,
} from "./replica.ts";

// The fleet a demand needs: requests per second at the peak, served by replicas run at a target
// utilization; the replica layout searched for the fewest GPUs that meet the service levels.

export interface Demand {
  /** Daily active users. */
  readonly users: number;
  readonly requestsPerUserPerDay: number;
  /** Peak requests per second over the day's mean. */
  readonly peakToMean: number;
}

export interface ServiceLevels {
  readonly ttftSeconds: number;
  readonly tpotSeconds: number;
  /** The percentile the targets are stated at, met at the peak with queueing. */
  readonly percentile: number;
}

export interface FleetSetup {
  readonly demand: Demand;
  readonly slo: ServiceLevels;
  /** Share of a replica's capacity kept free at the peak (queueing, failures, uneven routing). */
  readonly headroom: number;
  /** Separate prefill and decode pools, each sized for its own work. */
  readonly disaggregated: boolean;
}

export interface Fleet {
  readonly meanRequestsPerSecond: number;
  readonly peakRequestsPerSecond: number;
  readonly replicas: number;
  /** With disaggregation: the prefill and decode pools' replicas (they add up to `replicas`). */
  readonly prefillReplicas?: number;
  readonly decodeReplicas?: number;
  readonly gpus: number;
  /** Tokens (input and output) per second at the day's mean, and per GPU. */
  readonly meanTokensPerSecond: number;
  readonly tokensPerSecondPerGpu: number;
  /** The latencies at the targets' percentile with the peak spread over the replicas. */
  readonly latency: LatencyAtLoad;
}

export interface ServingCandidate {
  readonly replica: ReplicaResult;
  readonly fleet: Fleet;
  readonly meetsSlo: boolean;
  /** Worst ratio of a latency to its target (1 or less: met). */
  readonly sloRatio: number;
}

export const SECONDS_PER_DAY = 86_400;

/** Replicas added at most, as a multiple of those the capacity needs, to bring a percentile in. */
const MAX_LATENCY_REPLICAS_FACTOR = 64;

/**
 * Worst ratio of a latency to its target (1 or less: met): a replica's own (one request, no queue) or
 * a fleet's at the peak.
 */
export function sloRatio(
  latency: { timeToFirstTokenSeconds: number; timePerOutputTokenSeconds: number },
  slo: ServiceLevels,
): number {
  return Math.max(
    latency.timeToFirstTokenSeconds / slo.ttftSeconds,
    latency.timePerOutputTokenSeconds / slo.tpotSeconds,
  );
}

/** The fewest replicas from `from` up whose latency meets the targets (`from` x the factor when none). */
function fewestMeeting(from: number, meets: (replicas: number) => boolean): number {
  const limit = from * MAX_LATENCY_REPLICAS_FACTOR;
  if (meets(from)) return from;
  let low = from;
  let high = from;
  // Double until met (latency falls as replicas are added), then bisect.
  while (!meets(high)) {
    if (high >= limit) return limit;
    low = high;
    high = Math.min(limit, high * 2);
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (meets(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * The fleet for the peak: replicas for its request rate at the target utilization, then more while the
 * latencies at the stated percentile (queueing for slots and prefill, prefill stalls in decode steps)
 * miss the targets.
 */
export function fleetFor(setup: ServingSetup, fleet: FleetSetup, replica: ReplicaResult): Fleet {
  const meanRps = (fleet.demand.users * fleet.demand.requestsPerUserPerDay) / SECONDS_PER_DAY;
  const peakRps = meanRps * fleet.demand.peakToMean;
  const usable = 1 - fleet.headroom;
  const tokensPerRequest = setup.inputTokens + setup.outputTokens;
  const { slo } = fleet;
  let replicas: number;
  let split: Pick<Fleet, "prefillReplicas" | "decodeReplicas"> = {};
  let latency: LatencyAtLoad;
  if (fleet.disaggregated) {
    // Prefill replicas run prompts batched back to back; decode replicas hold `batch` sequences each.
    const prefillRate = replica.prefillTokensPerSecond / setup.inputTokens;
    const decodeRate = replica.layout.batch / (setup.outputTokens * replica.timePerOutputTokenSeconds);
    const at = (prefill: number, decode: number) =>
      latencyAtLoad(setup, replica, { prefill: peakRps / prefill, decode: peakRps / decode }, slo.percentile);
    let decodeReplicas = Math.max(1, Math.ceil(peakRps / (decodeRate * usable)));
    // The decode pool sets the time per output token and the slot wait; the prefill pool the rest.
    decodeReplicas = fewestMeeting(
      decodeReplicas,
      (d) => at(Number.POSITIVE_INFINITY, d).slotWaitSeconds <= 0,
    );
    const prefillReplicas = fewestMeeting(
      Math.max(1, Math.ceil(peakRps / (prefillRate * usable))),
      (p) => sloRatio(at(p, decodeReplicas), slo) <= 1,
    );
    replicas = prefillReplicas + decodeReplicas;
    split = { prefillReplicas, decodeReplicas };
    latency = at(prefillReplicas, decodeReplicas);
  } else {
    const at = (n: number) => latencyAtLoad(setup, replica, { colocated: peakRps / n }, slo.percentile);
    replicas = fewestMeeting(
      Math.max(1, Math.ceil(peakRps / (replica.requestsPerSecond * usable))),
      (n) => sloRatio(at(n), slo) <= 1,
    );
    latency = at(replicas);
  }
  const gpus = replicas * replica.gpus;
  const meanTokensPerSecond = meanRps * tokensPerRequest;
  return {
    meanRequestsPerSecond: meanRps,
    peakRequestsPerSecond: peakRps,
    replicas,
    ...split,
    gpus,
    meanTokensPerSecond,
    tokensPerSecondPerGpu: meanTokensPerSecond / gpus,
    latency,
  };
}

/**
 * The replicas that meet the targets, each with the fleet the demand needs, fewest GPUs first (ties:
 * the lower time per output token). A replica's own latencies do not depend on the demand: the
 * replicas are evaluated once, and sized again (queueing included) for each demand.
 */
export function rankForDemand(
  setup: ServingSetup,
  fleet: FleetSetup,
  replicas: readonly ReplicaResult[],
): ServingCandidate[] {
  return replicas
    .filter((replica) => sloRatio(replica, fleet.slo) <= 1)
    .map((replica) => {
      const sized = fleetFor(setup, fleet, replica);
      const ratio = sloRatio(sized.latency, fleet.slo);
      return { replica, fleet: sized, meetsSlo: ratio <= 1, sloRatio: ratio };
    })
    .filter((c) => c.meetsSlo)
    .sort(
      (a, b) =>
        a.fleet.gpus - b.fleet.gpus ||
        a.replica.timePerOutputTokenSeconds - b.replica.timePerOutputTokenSeconds,
    );
}

/** Every replica layout the search considers, evaluated; those whose KV cache holds their batch. */
export function fittingReplicas(
  setup: ServingSetup,
  pinned: Partial<ReplicaLayout> = {},
): { replicas: ReplicaResult[]; evaluated: number } {
  const evaluated = replicaLayouts(setup, pinned).map((layout) => evaluateReplica(setup, layout));
  return {
    replicas: evaluated.filter((r) => r.memory.maxBatch >= r.layout.batch),
    evaluated: evaluated.length,
  };
}

const POWERS = [1, 2, 4, 8, 16, 32, 64, 72];
/** Decode batches tried: powers of two up to what the KV cache holds. */
export const MAX_BATCH = 4096;

/** Replica layouts a model can take on this accelerator: tp within the scale-up domain, pp over layers. */
export function replicaLayouts(setup: ServingSetup, pinned: Partial<ReplicaLayout> = {}): ReplicaLayout[] {
  const { model, accelerator } = setup;
  const layouts: ReplicaLayout[] = [];
  const tps =
    pinned.tp !== undefined ? [pinned.tp] : POWERS.filter((tp) => tp <= accelerator.scaleUpDomainGpus);
  const pps = pinned.pp !== undefined ? [pinned.pp] : [1, 2, 4, 8, 16];
  for (const tp of tps) {
    if (model.heads % tp !== 0 && pinned.tp === undefined) continue;
    for (const pp of pps) {
      if (pp > model.layers) continue;
      const ep = pinned.ep ?? (model.moe ? tp * pp : 1);
      const context = pinned.contextTokens !== undefined ? { contextTokens: pinned.contextTokens } : {};
      const limit = Math.min(MAX_BATCH, replicaMemory(setup, { tp, pp, ep, batch: 1, ...context }).maxBatch);
      const batches =
        pinned.batch !== undefined
          ? [pinned.batch]
          : Array.from({ length: 13 }, (_, i) => 2 ** i).filter((b) => b <= limit);
      for (const batch of batches) layouts.push({ tp, pp, ep, batch, ...context });
    }
  }
  return layouts;
}

export interface ServingSearch {
  readonly best: ServingCandidate;
  /** The cheapest candidates that meet the targets, best first (up to 5). */
  readonly top: readonly ServingCandidate[];
  readonly evaluated: number;
}

/** The fewest GPUs that meet the service levels; ties go to the lower time per output token. */
export function searchServing(
  setup: ServingSetup,
  fleet: FleetSetup,
  pinned: Partial<ReplicaLayout> = {},
): ServingSearch {
  const { replicas, evaluated } = fittingReplicas(setup, pinned);
  const meeting = rankForDemand(setup, fleet, replicas);
  const best = meeting[0];
  if (!best) {
    const ratio = (r: ReplicaResult) => sloRatio(r, fleet.slo);
    const nearest = [...replicas].sort((a, b) => ratio(a) - ratio(b))[0];
    if (!nearest) {
      throw new InfeasibleError(
        `the model's weights do not fit on any replica of up to ${Math.max(...POWERS)} x ${setup.accelerator.name} with room for a KV cache`,
      );
    }
    throw new InfeasibleError(
      `no replica meets the service levels (time to first token ${fleet.slo.ttftSeconds} s, time per output token ${fleet.slo.tpotSeconds} s); the nearest is tp ${nearest.layout.tp} x pp ${nearest.layout.pp}, batch ${nearest.layout.batch}: ${nearest.timeToFirstTokenSeconds.toFixed(3)} s to the first token and ${(nearest.timePerOutputTokenSeconds * 1000).toFixed(1)} ms per output token`,
      { replica: nearest, fleet: fleetFor(setup, fleet, nearest), meetsSlo: false, sloRatio: ratio(nearest) },
    );
  }
  return { best, top: meeting.slice(0, 5), evaluated };
}
