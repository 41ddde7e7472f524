import { InfeasibleError } from "../errors.ts";
import { buildout } from "../facility/buildout.ts";
import { largestWithin } from "../facility/inverse.ts";
import {
  type BuiltPhase,
  type FleetTimeline,
  fleetByQuarter,
  monthText,
  monthWhenOnline,
  onlineAt,
} from "../facility/phases.ts";
import type { Scenario } from "../scenario/normalize.ts";
import type { GrowthRunSetup, GrowthSetup } from "../scenario/resolve-growth.ts";
import { formatNumber } from "../units.ts";
import { planScenario } from "./plan.ts";

const SECONDS_PER_DAY = 86_400;

export interface GrowthPhaseReport extends BuiltPhase {
  readonly platform: string;
  /** What fixed its size: a GPU count, the money or the power. */
  readonly sizedBy: "gpus" | "budget" | "power";
  /** The month its last chip is online (absent when the supply does not deliver it within the table). */
  readonly completeMonth?: string;
  readonly undeliveredGpus: number;
}

export type GrowthRunReport =
  | {
      readonly name: string;
      readonly placed: true;
      readonly accelerator: string;
      readonly gpus: number;
      readonly tokens: number;
      readonly start: string;
      /** The date it finishes ("YYYY-MM-DD"), on the cluster online at its start (the cluster does not grow under it). */
      readonly finish: string;
      readonly days: number;
      readonly mfu: number;
      readonly tokensPerSecond: number;
      /** Tokens it could train from its start to the end of the table's last month. */
      readonly tokensByUntil: number;
      readonly finishesByUntil: boolean;
      /** What the planner changed for the cluster to have an answer (a batch, idle GPUs). */
      readonly adjustment?: string;
    }
  | { readonly name: string; readonly placed: false; readonly accelerator: string; readonly reason: string };

export interface GrowthReport {
  readonly name: string;
  readonly site: string;
  readonly until: string;
  readonly chipsPerYear?: number;
  readonly phases: readonly GrowthPhaseReport[];
  readonly quarters: FleetTimeline["quarters"];
  readonly runs: readonly GrowthRunReport[];
  /** Layout searches run: one per distinct cluster (accelerator, GPUs). */
  readonly plansRun: number;
  readonly sources: { readonly electricity: string; readonly phases: string };
}

function builtPhase(setup: GrowthSetup["phases"][number]): Omit<GrowthPhaseReport, "undeliveredGpus"> {
  const base = {
    accelerator: setup.accelerator,
    platform: setup.platform,
    gear: setup.gear,
    site: setup.site,
  };
  const sized =
    "gpus" in setup.size
      ? { result: buildout({ ...base, gpus: setup.size.gpus }), sizedBy: "gpus" as const }
      : (() => {
          const inverse = largestWithin(base, setup.size.limit);
          return { result: inverse.result, sizedBy: inverse.limitedBy };
        })();
  const { result } = sized;
  return {
    name: setup.name,
    month: setup.month,
    accelerator: setup.accelerator.name,
    platform: setup.platform.name,
    gpus: result.gpus,
    capexUsd: result.cost.capexUsd,
    facilityMegawatts: result.power.facilityMegawatts,
    typicalFacilityMegawatts: result.power.typicalFacilityMegawatts,
    denseFlopsPerGpu: setup.accelerator.bf16DenseFlops,
    electricityUsdPerMegawattHour: setup.site.electricityUsdPerMegawattHour,
    sizedBy: sized.sizedBy,
  };
}

/** "YYYY-MM-DD" of the first of a month plus some days (UTC, no time zone). */
function dateAfter(month: number, days: number): string {
  const start = Date.UTC(Math.floor(month / 12), month % 12, 1);
  return new Date(start + days * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
}

/** Days from the first of `from` to the end of `until` (the first of the month after). */
function daysBetween(from: number, until: number): number {
  const start = Date.UTC(Math.floor(from / 12), from % 12, 1);
  const end = Date.UTC(Math.floor((until + 1) / 12), (until + 1) % 12, 1);
  return Math.max(0, (end - start) / (SECONDS_PER_DAY * 1000));
}

/**
 * A fleet over time: each phase sized by its own build-out (its own fabric, racks and building share),
 * the quarters that follow from the supply limit, and each run started when the GPUs it needs are
 * online. A run's time comes from the layout search on the cluster at its start: one search per
 * distinct cluster, so the work is bounded by the runs (at most 20).
 */
export function growthScenario(scenario: Scenario, setup: GrowthSetup): GrowthReport {
  const built = setup.phases.map(builtPhase);
  const timeline = fleetByQuarter(built, setup.chipsPerYear, setup.untilMonth);
  const phases: GrowthPhaseReport[] = built.map((phase, i) => {
    const complete = timeline.completeMonth[i];
    return {
      ...phase,
      ...(complete !== undefined ? { completeMonth: monthText(complete) } : {}),
      undeliveredGpus: timeline.undelivered[i] ?? 0,
    };
  });
  const plans = new Map<
    string,
    { tokensPerSecond: number; mfu: number; adjustment?: string } | InfeasibleError
  >();
  const planOf = (run: GrowthRunSetup, gpus: number) => {
    const key = `${run.cluster.accelerator.name}|${run.phase.platform.name}|${gpus}`;
    const cached = plans.get(key);
    if (cached) return cached;
    let result: { tokensPerSecond: number; mfu: number; adjustment?: string } | InfeasibleError;
    try {
      const { plan, adjustment } = planScenario(
        {
          ...scenario,
          cluster: run.cluster,
          ...(scenario.training ? { training: { ...scenario.training, tokens: run.tokens } } : {}),
          facility: {
            ...scenario.facility,
            accelerator: run.cluster.accelerator,
            platform: run.phase.platform,
            site: run.phase.site,
            size: { by: "gpus", gpus },
            budget: {},
            chipsPerYear: undefined,
            rent: undefined,
          },
        },
        undefined,
        { bestOnly: true },
      );
      result = {
        tokensPerSecond: plan.throughput.tokensPerSecond,
        mfu: plan.throughput.mfu,
        ...(adjustment ? { adjustment: adjustment.reason } : {}),
      };
    } catch (error) {
      if (!(error instanceof InfeasibleError)) throw error;
      result = error;
    }
    plans.set(key, result);
    return result;
  };
  const runs = setup.runs.map((run): GrowthRunReport => {
    const accelerator = run.cluster.accelerator.name;
    const start = monthWhenOnline(timeline, built, accelerator, run.gpus ?? 1, run.startMonth);
    if (start === undefined || start > setup.untilMonth)
      return {
        name: run.name,
        placed: false,
        accelerator,
        reason: `${run.gpus === undefined ? "no" : `fewer than ${formatNumber(run.gpus)}`} ${accelerator} GPUs online by ${monthText(setup.untilMonth)}`,
      };
    const gpus = run.gpus ?? onlineAt(timeline, built, accelerator, start);
    const plan = planOf(run, gpus);
    if (plan instanceof InfeasibleError)
      return { name: run.name, placed: false, accelerator, reason: plan.message };
    const days = run.tokens / plan.tokensPerSecond / SECONDS_PER_DAY;
    const available = daysBetween(start, setup.untilMonth);
    return {
      name: run.name,
      placed: true,
      accelerator,
      gpus,
      tokens: run.tokens,
      start: monthText(start),
      finish: dateAfter(start, days),
      days,
      mfu: plan.mfu,
      tokensPerSecond: plan.tokensPerSecond,
      tokensByUntil: plan.tokensPerSecond * available * SECONDS_PER_DAY,
      finishesByUntil: days <= available,
      ...(plan.adjustment ? { adjustment: plan.adjustment } : {}),
    };
  });
  const site = scenario.facility.site;
  return {
    name: scenario.name,
    site: site.displayName,
    until: monthText(setup.untilMonth),
    ...(setup.chipsPerYear !== undefined ? { chipsPerYear: setup.chipsPerYear } : {}),
    phases,
    quarters: timeline.quarters,
    runs,
    plansRun: plans.size,
    sources: {
      electricity: site.sources.electricityUsdPerMegawattHour?.ref ?? "site preset",
      phases:
        "the scenario's growth section; each phase sized by the build-out of its accelerator and platform",
    },
  };
}
