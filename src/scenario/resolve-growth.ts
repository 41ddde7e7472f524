import * as z from "zod";
import type { Accelerator } from "../catalog/accelerators.ts";
import type { NetworkGear } from "../catalog/network-gear.ts";
import type { Platform } from "../catalog/platforms.ts";
import type { Site } from "../catalog/sites.ts";
import { InputError } from "../errors.ts";
import type { Budget } from "../facility/inverse.ts";
import { MAX_GROWTH_QUARTERS, monthIndex, monthText, quarterStart } from "../facility/phases.ts";
import type { ClusterSetup } from "../parallel/plan-input.ts";
import type { Scenario } from "./normalize.ts";
import { acceleratorFrom, resolvePlatform } from "./resolve-hardware.ts";
import { resolveStackSection } from "./resolve-stack.ts";
import { clusterSchema, growthSchema } from "./schema.ts";
import { toInputError } from "./schema-issues.ts";

/** A phase's hardware and what sizes it: a GPU count, or the most its money or power holds. */
export interface GrowthPhaseSetup {
  readonly name: string;
  readonly month: number;
  readonly accelerator: Accelerator;
  readonly platform: Platform;
  readonly site: Site;
  readonly gear: NetworkGear;
  readonly size: { readonly gpus: number } | { readonly limit: Budget };
}

export interface GrowthRunSetup {
  readonly name: string;
  readonly tokens: number;
  /** Earliest month it may start. */
  readonly startMonth: number;
  /** GPUs it waits for and uses; all of its accelerator's online at the start when absent. */
  readonly gpus?: number;
  readonly cluster: Omit<ClusterSetup, "gpus">;
  /** The hardware and site its cluster is built from (the first phase of its accelerator). */
  readonly phase: GrowthPhaseSetup;
}

export interface GrowthSetup {
  readonly phases: readonly GrowthPhaseSetup[];
  readonly chipsPerYear?: number;
  readonly untilMonth: number;
  readonly runs: readonly GrowthRunSetup[];
}

type GrowthSection = z.output<typeof growthSchema>;

function month(text: string): number {
  // The schema checked the YYYY-MM form.
  const [year, mon] = text.split("-").map(Number);
  return monthIndex(year ?? 0, mon ?? 1);
}

function resolvePhase(
  phase: GrowthSection["phases"][number],
  i: number,
  scenario: Scenario,
): GrowthPhaseSetup {
  const path = `growth.phases.${i}`;
  const sizes = [phase.gpus, phase.megawatts, phase.usd].filter((v) => v !== undefined).length;
  if (sizes !== 1)
    throw new InputError(path, phase, "exactly one of gpus, megawatts or usd (what the phase adds)");
  const { facility } = scenario;
  const accelerator =
    phase.accelerator === undefined
      ? scenario.cluster.accelerator
      : acceleratorFrom(phase.accelerator, `${path}.accelerator`);
  const platform =
    phase.platform !== undefined
      ? resolvePlatform(phase.platform, `${path}.platform`, accelerator)
      : accelerator.name === scenario.cluster.accelerator.name
        ? facility.platform
        : resolvePlatform(undefined, `${path}.accelerator`, accelerator);
  // A phase of another system brings its own racks (a GB200 NVL72 rack in an H100 site's hall).
  const site =
    platform.name === facility.platform.name
      ? facility.site
      : {
          ...facility.site,
          rackKilowatts: Math.max(facility.site.rackKilowatts, platform.serverMaxWatts / 1000),
        };
  const size =
    phase.gpus !== undefined
      ? { gpus: phase.gpus }
      : {
          limit: {
            ...(phase.usd !== undefined ? { usd: phase.usd } : {}),
            ...(phase.megawatts !== undefined ? { megawatts: phase.megawatts } : {}),
          },
        };
  return {
    name: phase.name ?? `${phase.date} ${accelerator.name}`,
    month: month(phase.date),
    accelerator,
    platform,
    site,
    gear: facility.gear,
    size,
  };
}

/**
 * The growth section of a scenario file (already checked by the schema through normalizeScenario):
 * phases in date order, the table's last month, and the runs of the scenario's model placed on it.
 */
export function resolveGrowth(raw: unknown, scenario: Scenario): GrowthSetup {
  const rawGrowth = (raw as { growth?: unknown } | null)?.growth;
  if (rawGrowth === undefined)
    throw new InputError("growth", undefined, "a growth section: phases with dates (YYYY-MM) and sizes");
  // Checked once already by normalizeScenario, but at medians: a range here is not for growth.
  const parsed = z
    .strictObject({ growth: growthSchema })
    .safeParse({ growth: rawGrowth }, { reportInput: true });
  if (!parsed.success) throw toInputError(parsed.error, () => []);
  const growth = parsed.data.growth;
  const phases = growth.phases.map((phase, i) => resolvePhase(phase, i, scenario));
  phases.forEach((phase, i) => {
    const before = phases[i - 1];
    if (before && phase.month < before.month)
      throw new InputError(
        `growth.phases.${i}.date`,
        monthText(phase.month),
        `a date no earlier than the phase before it (${monthText(before.month)}): phases in date order`,
      );
  });
  const first = phases[0]?.month ?? 0;
  const last = phases[phases.length - 1]?.month ?? first;
  const untilMonth = growth.until === undefined ? last + 24 : month(growth.until);
  const latest = quarterStart(first) + 3 * MAX_GROWTH_QUARTERS - 1;
  if (untilMonth < first || untilMonth > latest)
    throw new InputError(
      "growth.until",
      growth.until,
      `a month from the first phase's (${monthText(first)}) to ${monthText(latest)} (at most ${MAX_GROWTH_QUARTERS} quarters)`,
    );
  const chipsPerYear = growth.chipsPerYear ?? scenario.facility.chipsPerYear;
  return {
    phases,
    ...(chipsPerYear !== undefined ? { chipsPerYear } : {}),
    untilMonth,
    runs: resolveRuns(raw, growth, phases, scenario),
  };
}

function resolveRuns(
  raw: unknown,
  growth: GrowthSection,
  phases: readonly GrowthPhaseSetup[],
  scenario: Scenario,
): GrowthRunSetup[] {
  const runs =
    growth.runs ?? (scenario.model && scenario.training?.tokens ? [{ name: scenario.model.name }] : []);
  if (runs.length > 0 && (!scenario.model || !scenario.training))
    throw new InputError("model", undefined, "a model and a training section for growth.runs to train");
  const rawCluster = (raw as { cluster?: unknown } | null)?.cluster ?? {};
  const stackSection = clusterSchema.parse(rawCluster).stack;
  const first = phases[0]?.month ?? 0;
  return runs.map((run, i) => {
    const path = `growth.runs.${i}`;
    const own = run as { accelerator?: string; tokens?: number; start?: string; gpus?: number };
    const accelerator =
      own.accelerator === undefined
        ? scenario.cluster.accelerator
        : acceleratorFrom(own.accelerator, `${path}.accelerator`);
    const phase = phases.find((p) => p.accelerator.name === accelerator.name);
    if (!phase)
      throw new InputError(
        `${path}.accelerator`,
        accelerator.name,
        `the accelerator of one of the phases (${[...new Set(phases.map((p) => p.accelerator.name))].join(", ")})`,
      );
    const tokens = own.tokens ?? scenario.training?.tokens;
    if (tokens === undefined)
      throw new InputError(`${path}.tokens`, undefined, "a token count (or training.tokens in the scenario)");
    const cluster =
      accelerator.name === scenario.cluster.accelerator.name
        ? scenario.cluster
        : { accelerator, ...resolveStackSection(stackSection, accelerator.generation) };
    return {
      name: run.name,
      tokens,
      startMonth: own.start === undefined ? first : month(own.start),
      ...(own.gpus !== undefined ? { gpus: own.gpus } : {}),
      cluster,
      phase,
    };
  });
}

/**
 * A growth file need not size one cluster (its phases do): when it names no GPU count, budget or site,
 * the first phase's size (and accelerator, when it names none) stands in for the scenario's own
 * cluster, so that the rest of the scenario (model, training, stack) is checked as usual. Anything
 * else is left for the schema to judge.
 */
export function withGrowthSize(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const file = raw as { cluster?: unknown; budget?: unknown; site?: unknown; growth?: unknown };
  const phases = (file.growth as { phases?: unknown } | undefined)?.phases;
  const first = Array.isArray(phases) ? (phases[0] as Record<string, unknown> | undefined) : undefined;
  if (typeof first !== "object" || first === null || file.site !== undefined) return raw;
  const given = typeof file.cluster === "object" && file.cluster !== null ? file.cluster : {};
  // The first phase's accelerator, when the file names none, is the scenario's.
  const cluster =
    (given as { accelerator?: unknown }).accelerator === undefined && typeof first.accelerator === "string"
      ? { ...given, accelerator: first.accelerator }
      : given;
  const sized = (cluster as { gpus?: unknown }).gpus !== undefined || file.budget !== undefined;
  if (sized || typeof first.gpus === "number")
    return { ...file, cluster: sized ? cluster : { ...cluster, gpus: first.gpus } };
  if (typeof first.megawatts === "number")
    return { ...file, cluster, budget: { megawatts: first.megawatts } };
  if (typeof first.usd === "number") return { ...file, cluster, budget: { usd: first.usd } };
  return raw;
}
