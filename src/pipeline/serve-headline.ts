import type { ReplicaLayout } from "../serving/replica.ts";
import type { ServeResult } from "./serve.ts";

// The few numbers of a serving plan that a sweep row or a comparison carries; the `serve` report has
// the rest. Prefixed `serving` where a training name would otherwise be taken (GPUs, megawatts).

export interface ServingHeadline {
  /** The chosen replica as text: `tp4 pp1 batch 64` (with `ep` for a mixture of experts). */
  readonly servingLayout: string;
  readonly servingReplicas: number;
  readonly servingGpus: number;
  /** The fleet's typical facility draw, around the clock. */
  readonly servingMegawatts: number;
  readonly ttftSeconds: number;
  readonly tpotSeconds: number;
  /** Over all tokens (input and output) at the day's mean. */
  readonly usdPerMillionTokens: number;
  readonly whPerRequest: number;
  readonly servingUsdPerYear: number;
}

export function replicaLayoutText(layout: ReplicaLayout): string {
  const { tp, pp, ep, batch } = layout;
  return `tp${tp} pp${pp}${ep > 1 ? ` ep${ep}` : ""} batch ${batch}`;
}

export function servingHeadline(result: ServeResult): ServingHeadline {
  const { replica, fleet, cost, energy } = result;
  return {
    servingLayout: replicaLayoutText(replica.layout),
    servingReplicas: fleet.replicas,
    servingGpus: fleet.gpus,
    servingMegawatts: fleet.megawatts,
    // At the targets' percentile with the peak on the fleet: what the targets are checked against.
    ttftSeconds: fleet.latency.timeToFirstTokenSeconds,
    tpotSeconds: fleet.latency.timePerOutputTokenSeconds,
    usdPerMillionTokens: cost.usdPerMillionTokens,
    whPerRequest: energy.whPerRequest,
    servingUsdPerYear: cost.usdPerYear,
  };
}
