import type { Generation } from "../catalog/accelerators.ts";
import type { SoftwareStack } from "../catalog/stacks.ts";
import { InfeasibleError, InputError } from "../errors.ts";
import { type Layout, SEARCHED_LAYOUT_FIELDS } from "../parallel/layout.ts";
import type { PlanResult } from "../parallel/plan.ts";
import type { ClusterSetup, PlanInput } from "../parallel/plan-input.ts";
import {
  divisors,
  type RankedLayout,
  type SearchConstraints,
  type SearchResult,
  searchLayouts,
} from "../parallel/search.ts";
import type { Scenario } from "../scenario/normalize.ts";
import { formatNumber } from "../units.ts";
import type { ErrorBand } from "../validation/cross-validation.ts";
import { ERROR_BANDS } from "../validation/error-bands.ts";
import { type BuildoutReport, buildoutScenario, jobGpus, withRentTraining } from "./buildout.ts";

export interface ScenarioPlan {
  readonly scenario: {
    readonly name: string;
    readonly accelerator: string;
    readonly gpus: number;
    readonly stack: string;
    /** Tokens per sequence (the context trained on). */
    readonly sequenceLength: number;
  };
  /** The best layout's plan. */
  readonly plan: PlanResult;
  /** How far the step time is to be trusted: the validated error of runs on the same stack. */
  readonly accuracy: ErrorBand;
  /**
   * What the planner changed so that the cluster has an answer: a batch that does not divide over
   * every GPU becomes the nearest one that does, or leaves some GPUs idle.
   */
  readonly adjustment?: PlanAdjustment;
  /** Layout fields the search chose because the scenario left them open. */
  readonly chosenFields: readonly (keyof Layout)[];
  /** The build-out the cluster came from: the scenario's site or budget, else the generic site's. */
  readonly buildout: BuildoutReport;
  readonly search: {
    readonly evaluated: number;
    readonly feasible: number;
    readonly seconds: number;
    readonly top: readonly RankedLayout[];
  };
}

export type PlanAdjustment =
  | { readonly kind: "batch"; readonly requested: number; readonly planned: number; readonly reason: string }
  | { readonly kind: "idle-gpus"; readonly used: number; readonly idle: number; readonly reason: string };

/** A nearby batch is one within this share of the one asked for. */
const NEARBY_BATCH = 0.25;
/** Smaller GPU counts tried before giving up (each a whole layout search). */
const FEWER_GPU_TRIES = 12;

/** Nothing legal at all (as opposed to legal layouts that do not fit in memory). */
const noLegalLayout = (error: unknown): error is InfeasibleError =>
  error instanceof InfeasibleError && error.closest === undefined;

/**
 * GPU counts below `gpus` that a batch range can use: dp x (tp x pp), dp a data-parallel size some
 * batch in the range is a multiple of, tp a power of two up to maxTp, pp up to the layer count.
 * Largest first.
 */
function fewerGpuCounts(
  gpus: number,
  batch: SearchConstraints["batch"],
  layers: number,
  maxTp: number,
): number[] {
  // A wide range is represented by its smallest batch; a narrow one by each of its batches.
  const batches =
    batch.max - batch.min > 64
      ? [batch.min]
      : Array.from({ length: batch.max - batch.min + 1 }, (_, i) => batch.min + i);
  const dps = new Set<number>();
  for (const b of batches) {
    if (dps.size >= 4096) break;
    for (const d of divisors(b)) dps.add(d);
  }
  const counts = new Set<number>();
  for (const dp of dps) {
    for (let tp = 1; tp <= maxTp; tp *= 2) {
      for (let pp = 1; pp <= layers; pp++) {
        const used = dp * tp * pp;
        if (used < gpus) counts.add(used);
      }
    }
  }
  return [...counts].sort((a, b) => b - a).slice(0, FEWER_GPU_TRIES);
}

/**
 * The search over the whole cluster; when no layout is legal there because the batch does not divide
 * over every GPU, the nearest batch that does (within a quarter), else the most GPUs that can be used.
 */
function searchWithAdjustment(
  base: Omit<PlanInput, "layout">,
  search: SearchConstraints,
  onProgress?: (fraction: number) => void,
): { result: SearchResult; adjustment?: PlanAdjustment } {
  let firstError: InfeasibleError;
  try {
    return { result: searchLayouts(base, search, onProgress) };
  } catch (error) {
    if (!noLegalLayout(error) || search.pinned.dp !== undefined) throw error;
    firstError = error;
  }
  const { gpus } = base.cluster;
  const fixed = search.batch.min === search.batch.max;
  if (fixed) {
    const requested = search.batch.min;
    const nearby = {
      min: Math.max(1, Math.ceil(requested * (1 - NEARBY_BATCH))),
      max: Math.floor(requested * (1 + NEARBY_BATCH)),
      target: requested,
    };
    try {
      const result = searchLayouts(base, { ...search, batch: nearby }, onProgress);
      const best = result.top[0]?.plan;
      const planned = best ? best.step.tokens / base.training.sequenceLength : requested;
      return {
        result,
        adjustment: {
          kind: "batch",
          requested,
          planned,
          reason: `a global batch of ${formatNumber(requested)} sequences does not divide over ${formatNumber(gpus)} GPUs; ${formatNumber(planned)} is the nearest that does`,
        },
      };
    } catch (error) {
      if (!noLegalLayout(error)) throw error;
    }
  }
  for (const used of fewerGpuCounts(gpus, search.batch, base.model.layers, search.maxTp)) {
    try {
      const result = searchLayouts({ ...base, cluster: { ...base.cluster, gpus: used } }, search, onProgress);
      const batch = fixed ? `batch of ${formatNumber(search.batch.min)} sequences` : "batch range";
      return {
        result,
        adjustment: {
          kind: "idle-gpus",
          used,
          idle: gpus - used,
          reason: `the global ${batch} does not divide over all ${formatNumber(gpus)} GPUs${fixed ? " (nor any batch within a quarter of it)" : ""}; ${formatNumber(used)} of them are used and ${formatNumber(gpus - used)} stay idle`,
        },
      };
    } catch (error) {
      if (!noLegalLayout(error)) throw error;
    }
  }
  throw firstError;
}

/**
 * The scenario's plan: the search's best layout, planned in full. `bestOnly`, for the analyses that use
 * the best plan alone (sweeps, samples, comparisons, growth): the search keeps a list of one and skips
 * what cannot beat it, so `search.top` holds the best alone and its counts cover what it looked at.
 */
export function planScenario(
  scenario: Scenario,
  onProgress?: (fraction: number) => void,
  options: { readonly bestOnly?: boolean } = {},
): ScenarioPlan {
  const { model, training, search } = scenario;
  if (!model) throw new InputError("model", undefined, "a catalog model name or a model section");
  if (!training || !search)
    throw new InputError("training", undefined, "a training section (sequenceLength and a batch)");
  const built = buildoutScenario(scenario.facility);
  const gpus = jobGpus(scenario.facility, built);
  const cluster: ClusterSetup = { ...scenario.cluster, gpus, fabric: built.result.network };
  const constraints = options.bestOnly ? { ...search, top: 1, bestOnly: true } : search;
  const { result, adjustment } = searchWithAdjustment({ model, training, cluster }, constraints, onProgress);
  const best = result.top[0];
  if (!best) throw new Error("a successful search returns at least one layout");
  return {
    scenario: {
      name: scenario.name,
      accelerator: cluster.accelerator.name,
      gpus,
      stack: cluster.stack.name,
      sequenceLength: training.sequenceLength,
    },
    plan: best.plan,
    accuracy: errorBandFor(cluster.stack, cluster.accelerator.generation),
    // A dense model has nothing to choose for expert parallelism.
    chosenFields: SEARCHED_LAYOUT_FIELDS.filter(
      (field) => search.pinned[field] === undefined && (field !== "ep" || model.moe !== undefined),
    ),
    search: result,
    buildout: withRentTraining(built, best.plan.training),
    ...(adjustment ? { adjustment } : {}),
  };
}

/**
 * A calibrated stack's own cross-validated error; else its (base) catalog stack's validated band on
 * the plan's hardware generation when it has one, else over all its runs.
 */
export function errorBandFor(stack: SoftwareStack, generation: Generation): ErrorBand {
  if (stack.validated) return { stack: stack.name, ...stack.validated };
  const catalogName = stack.basedOn ?? stack.name;
  const band =
    ERROR_BANDS.find((b) => b.stack === catalogName && b.generation === generation) ??
    ERROR_BANDS.find((b) => b.stack === catalogName && b.generation === undefined);
  if (!band) throw new Error(`no error band for stack ${catalogName} (run scripts/write-error-bands.ts)`);
  return band;
}
