import { InputError } from "../errors.ts";
import { ringTreeNetwork } from "../fabric/network.ts";
import { buildout } from "../facility/buildout.ts";
import type { Scenario } from "../scenario/normalize.ts";
import {
  type Fleet,
  type FleetSetup,
  fittingReplicas,
  rankForDemand,
  type ServingSearch,
  searchServing,
  sloRatio,
} from "../serving/fleet.ts";
import type { ReplicaLayout, ReplicaResult, ServingSetup } from "../serving/replica.ts";
import { HOURS_PER_YEAR } from "../units.ts";
import { buildoutScenario } from "./buildout.ts";

// `gigacluster serve FILE`: the demand's peak, the replica that serves it with the fewest GPUs within
// the latency targets, and the fleet's power, energy and cost.

export interface ServeResult {
  readonly name: string;
  readonly model: string;
  readonly accelerator: string;
  readonly precision: string;
  readonly kvPrecision: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly slo: { readonly ttftSeconds: number; readonly tpotSeconds: number; readonly percentile: number };
  readonly replica: ReplicaResult;
  readonly fleet: Fleet & { readonly megawatts: number; readonly itMegawatts: number };
  readonly cost: {
    readonly usdPerGpuHour: number;
    /** Where the price comes from: the build-out's own cost, or the scenario's rental price. */
    readonly priceFrom: "buildout" | "rental";
    readonly usdPerHour: number;
    /** Over all tokens (input and output) served at the day's mean. */
    readonly usdPerMillionTokens: number;
    readonly usdPerMillionOutputTokens: number;
    readonly usdPerYear: number;
  };
  readonly energy: {
    readonly whPerRequest: number;
    readonly whPerMillionTokens: number;
    readonly mwhPerYear: number;
  };
  /** With a stated site: the share of its GPUs the fleet takes, and what is left for training. */
  readonly site?: {
    readonly name: string;
    readonly gpus: number;
    readonly share: number;
    readonly gpusLeft: number;
  };
  readonly search: {
    readonly evaluated: number;
    /** Other replica layouts that meet the targets, with the fleet each would need. */
    readonly alternatives: readonly { readonly replica: ReplicaResult; readonly fleetGpus: number }[];
  };
}

export function servingSetup(scenario: Scenario): { setup: ServingSetup; fleet: FleetSetup } {
  const { serve, model, cluster } = scenario;
  if (!serve) throw new InputError("serve", undefined, "a serve section: demand, slo, precision");
  if (!model) throw new InputError("model", undefined, "a catalog model name or a model section");
  const setup: ServingSetup = {
    model,
    accelerator: cluster.accelerator,
    hardware: cluster.hardware,
    net: ringTreeNetwork({ accelerator: cluster.accelerator, hardware: cluster.hardware }),
    precision: serve.precision,
    kvPrecision: serve.kvPrecision,
    inputTokens: serve.demand.inputTokens,
    // Reasoning tokens are decoded like the answer.
    outputTokens: serve.demand.outputTokens + serve.demand.reasoningTokens,
    prefixCacheHitRate: serve.prefixCacheHitRate,
    speculativeTokens: serve.speculativeTokens,
    speculativeAcceptance: serve.speculativeAcceptance,
    stepOverheadSeconds: serve.stepOverheadSeconds,
  };
  return {
    setup,
    fleet: {
      demand: serve.demand,
      slo: serve.slo,
      headroom: serve.headroom,
      disaggregated: serve.disaggregated,
    },
  };
}

export function serveScenario(scenario: Scenario): ServeResult {
  const { setup, fleet } = servingSetup(scenario);
  const serve = scenario.serve;
  if (!serve) throw new InputError("serve", undefined, "a serve section");
  const search: ServingSearch = searchServing(setup, fleet, serve.replica ?? {});
  const { replica } = search.best;
  const { facility } = scenario;
  const built = buildout({
    accelerator: facility.accelerator,
    platform: facility.platform,
    gear: facility.gear,
    site: facility.site,
    gpus: search.best.fleet.gpus,
  });
  const usdPerGpuHour = serve.usdPerGpuHour ?? built.cost.usdPerGpuHour;
  const gpus = search.best.fleet.gpus;
  const usdPerHour = gpus * usdPerGpuHour;
  const meanTokens = search.best.fleet.meanTokensPerSecond;
  const outputShare = setup.outputTokens / (setup.inputTokens + setup.outputTokens);
  // The whole fleet draws its typical facility power around the clock, busy or waiting for the peak.
  const watts = built.power.typicalFacilityMegawatts * 1e6 * (gpus / built.gpus);
  const meanRps = search.best.fleet.meanRequestsPerSecond;
  // A stated site (or budget) holds this many GPUs: what the fleet leaves of it for training.
  const stated = facility.stated ? buildoutScenario(facility).result.gpus : undefined;
  return {
    name: scenario.name,
    model: setup.model.name,
    accelerator: setup.accelerator.name,
    precision: setup.precision,
    kvPrecision: setup.kvPrecision,
    inputTokens: setup.inputTokens,
    outputTokens: setup.outputTokens,
    slo: fleet.slo,
    replica,
    fleet: {
      ...search.best.fleet,
      megawatts: watts / 1e6,
      itMegawatts: watts / built.power.pue / 1e6,
    },
    cost: {
      usdPerGpuHour,
      priceFrom: serve.usdPerGpuHour === undefined ? "buildout" : "rental",
      usdPerHour,
      usdPerMillionTokens: (usdPerHour / (meanTokens * 3600)) * 1e6,
      usdPerMillionOutputTokens: (usdPerHour / (meanTokens * outputShare * 3600)) * 1e6,
      usdPerYear: usdPerHour * HOURS_PER_YEAR,
    },
    energy: {
      whPerRequest: watts / meanRps / 3600,
      whPerMillionTokens: (watts / meanTokens / 3600) * 1e6,
      mwhPerYear: (watts * HOURS_PER_YEAR) / 1e6,
    },
    ...(stated !== undefined
      ? {
          site: {
            name: facility.site.displayName,
            gpus: stated,
            share: gpus / stated,
            gpusLeft: Math.max(0, stated - gpus),
          },
        }
      : {}),
    search: {
      evaluated: search.evaluated,
      alternatives: search.top.slice(1).map((c) => ({ replica: c.replica, fleetGpus: c.fleet.gpus })),
    },
  };
}

/** One replica layout on the latency-throughput plane: how fast each user is served against what each GPU yields. */
export interface ServeFrontierPoint {
  readonly layout: ReplicaLayout;
  readonly gpus: number;
  /** Output tokens per second one user sees: 1 / time per output token. */
  readonly tokensPerSecondPerUser: number;
  /** Output tokens per second of the replica's decode batch, per GPU. */
  readonly outputTokensPerSecondPerGpu: number;
  readonly timeToFirstTokenSeconds: number;
  readonly meetsSlo: boolean;
  /** No other layout is both faster per user and yields more per GPU. */
  readonly onFrontier: boolean;
  /** The replica the search chose. */
  readonly chosen: boolean;
}

/** The fleet for the demand scaled by `factor` (users times factor), the replica chosen again. */
export interface ServeDemandPoint {
  readonly factor: number;
  readonly users: number;
  readonly gpus: number;
  readonly replicas: number;
  readonly replica: ReplicaLayout;
}

export interface ServeCurves {
  readonly frontier: readonly ServeFrontierPoint[];
  readonly demand: readonly ServeDemandPoint[];
  /** The per-user speed the time-per-output-token target asks for (tokens/s). */
  readonly targetTokensPerSecondPerUser: number;
  readonly users: number;
}

/** Users from a tenth to ten times the scenario's. */
export const DEMAND_FACTORS: readonly number[] = [0.1, 0.2, 0.5, 1, 2, 5, 10];

const sameLayout = (a: ReplicaLayout, b: ReplicaLayout) =>
  a.tp === b.tp && a.pp === b.pp && a.ep === b.ep && a.batch === b.batch;

/**
 * What the serving plan's charts draw: every replica layout that fits in memory on the
 * latency-throughput plane, and the fleet the demand needs from a tenth to ten times its users.
 * The targets do not depend on the demand, so the layouts are evaluated once and each demand picks
 * the fewest GPUs among those that meet them (as `searchServing` does).
 */
export function serveCurves(scenario: Scenario, result: ServeResult): ServeCurves {
  const { setup, fleet } = servingSetup(scenario);
  const { replicas } = fittingReplicas(setup, scenario.serve?.replica ?? {});
  const points = replicas.map((r) => ({
    layout: r.layout,
    gpus: r.gpus,
    tokensPerSecondPerUser: 1 / r.timePerOutputTokenSeconds,
    outputTokensPerSecondPerGpu: r.decodeTokensPerSecond / r.gpus,
    timeToFirstTokenSeconds: r.timeToFirstTokenSeconds,
    meetsSlo: sloRatio(r, fleet.slo) <= 1,
    chosen: sameLayout(r.layout, result.replica.layout),
  }));
  const frontier = points.map((p) => ({
    ...p,
    onFrontier: !points.some(
      (q) =>
        q.tokensPerSecondPerUser >= p.tokensPerSecondPerUser &&
        q.outputTokensPerSecondPerGpu >= p.outputTokensPerSecondPerGpu &&
        (q.tokensPerSecondPerUser > p.tokensPerSecondPerUser ||
          q.outputTokensPerSecondPerGpu > p.outputTokensPerSecondPerGpu),
    ),
  }));
  const demand = DEMAND_FACTORS.map((factor) => {
    const scaled: FleetSetup = { ...fleet, demand: { ...fleet.demand, users: fleet.demand.users * factor } };
    // The search's own ranking, on the replicas evaluated once: at factor 1 it is the result's pick.
    const best = rankForDemand(setup, scaled, replicas)[0];
    if (!best) throw new Error("a served scenario has a replica that meets its targets");
    return {
      factor,
      users: scaled.demand.users,
      gpus: best.fleet.gpus,
      replicas: best.fleet.replicas,
      replica: best.replica.layout,
    };
  });
  return {
    frontier,
    demand,
    targetTokensPerSecondPerUser: 1 / fleet.slo.tpotSeconds,
    users: fleet.demand.users,
  };
}
