import { nowMilliseconds } from "../clock.ts";
import { InfeasibleError } from "../errors.ts";
import type { NetworkBackend } from "../fabric/network.ts";
import type { LayerActivationBytes } from "../model/activations.ts";
import type { Recompute } from "../model/transformer.ts";
import { GiB } from "../units.ts";
import {
  type LayerCost,
  layerCostWithoutRecompute,
  networkModel,
  outputLayerSeconds,
  withRecompute,
} from "./layer-cost.ts";
import { type Layout, layoutViolations } from "./layout.ts";
import {
  layerActivations,
  peakStageBytes,
  peakStageFloorBytes,
  stageFootprints,
  TIGHT_MEMORY_FRACTION,
} from "./memory.ts";
import { endStagePinsProblem } from "./pipeline.ts";
import { type PlanResult, planLayout } from "./plan.ts";
import type { PlanInput, TrainingSetup } from "./plan-input.ts";
import {
  depthCost,
  partitionFor,
  STEP_COMPONENTS,
  type StepComponent,
  secondsPerTokenFloor,
  stepSecondsAt,
} from "./step-time.ts";

// Exhaustive search over parallel layouts. Every legal combination is evaluated; the work that depends
// on only a few fields is done once per combination of those fields: one layer's cost and activations
// per (tp, cp, micro-batch, SP, recompute, ep), the stage footprints and the step's parts per pipeline
// depth on top of that, so each (interleaving, ZeRO, batch) costs a few dozen arithmetic operations and
// allocates nothing. Work that provably cannot change the result is skipped: the step of a depth whose
// step-time floor already loses to a full top list, and the footprint of a ZeRO stage whose floor is
// over capacity and no smaller than the closest miss. A best-only search (only the list wanted, not the
// counts) scans its (tp, cp, micro-batch, SP, recompute, ep) groups lowest step-time floor first, and
// skips whatever cannot enter the list before pricing its memory.

export interface SearchConstraints {
  /** Layout fields the user fixed. */
  readonly pinned: Partial<Layout>;
  /** Largest tensor-parallel degree (default: the scale-up domain). */
  readonly maxTp: number;
  /**
   * Memory to leave free on every GPU; undefined: the margin below which a footprint is `tight`
   * (1 - TIGHT_MEMORY_FRACTION of HBM), so that every pick runs.
   */
  readonly memoryHeadroomBytes: number | undefined;
  /**
   * Global batch in sequences: fixed (min = max) or a range the search may pick from: the largest
   * that fits a layout, or the one nearest `target` when there is one.
   */
  readonly batch: { readonly min: number; readonly max: number; readonly target?: number };
  /** How many of the best layouts to report. */
  readonly top: number;
  /**
   * Only the top list is wanted: the (tp, cp, micro-batch, SP, recompute, ep) groups are scanned lowest
   * compute floor first and those whose floor loses to a full list are skipped whole, so `evaluated`
   * and `feasible` count only the layouts looked at.
   */
  readonly bestOnly?: boolean;
}

export interface RankedLayout {
  readonly plan: PlanResult;
  /** Why it loses to the best: its largest extra step-time terms (empty for the best). */
  readonly losesBy: readonly { readonly term: StepComponent; readonly seconds: number }[];
}

export interface SearchResult {
  readonly top: readonly RankedLayout[];
  readonly evaluated: number;
  readonly feasible: number;
  readonly seconds: number;
}

interface Candidate {
  layout: Layout;
  batch: number;
  secondsPerToken: number;
  memoryBytes: number;
}

/** The divisors of n, smallest first. */
export function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    small.push(d);
    if (d * d !== n) large.unshift(n / d);
  }
  return [...small, ...large];
}

/** Interleaving depths: equal chunks when pp divides the layers (Megatron's rule), else any depth. */
function virtualOptions(layers: number, pp: number, pinned: number | undefined): readonly number[] {
  if (pinned !== undefined) return [pinned];
  if (pp === 1) return [1];
  if (layers % pp === 0) return divisors(layers / pp);
  return Array.from({ length: Math.floor(layers / pp) }, (_, i) => i + 1);
}

function options<T>(pinned: T | undefined, all: readonly T[]): readonly T[] {
  return pinned === undefined ? all : [pinned];
}

/** Largest batch in [min, max] that is a multiple of `unit`, or 0 when there is none. */
function batchFor(unit: number, range: SearchConstraints["batch"]): number {
  // Runs for every layout evaluated: plain arithmetic, no closures or arrays.
  const { min, max, target } = range;
  if (target === undefined) {
    const largest = Math.floor(max / unit) * unit;
    return largest >= min && largest > 0 ? largest : 0;
  }
  const below = Math.floor(target / unit) * unit;
  const above = below + unit;
  const belowOk = below >= min && below <= max && below > 0;
  const aboveOk = above >= min && above <= max;
  if (belowOk && (!aboveOk || target - below <= above - target)) return below;
  return aboveOk ? above : 0;
}

/** Faster first; on a tie, less memory, then the simpler layout (less cp, interleaving, pp, tp). */
function better(a: Candidate, b: Candidate): boolean {
  const time = a.secondsPerToken - b.secondsPerToken;
  if (Math.abs(time) > 1e-12 * b.secondsPerToken) return time < 0;
  if (Math.abs(a.memoryBytes - b.memoryBytes) > 1) return a.memoryBytes < b.memoryBytes;
  const x = a.layout;
  const y = b.layout;
  if (x.cp !== y.cp) return x.cp < y.cp;
  if (x.virtualStages !== y.virtualStages) return x.virtualStages < y.virtualStages;
  if (x.pp !== y.pp) return x.pp < y.pp;
  return x.tp < y.tp;
}

function sameShape(a: Layout, b: Layout): boolean {
  return a.tp === b.tp && a.pp === b.pp && a.cp === b.cp && a.dp === b.dp && a.ep === b.ep;
}

/**
 * Keeps the best `size` candidates, at most one per parallel shape (tp, pp, cp, dp, ep): the runners-up
 * a user wants to see are other shapes, not the same one with a different micro-batch.
 */
function insertTop(top: Candidate[], candidate: Candidate, size: number): void {
  const twin = top.findIndex((c) => sameShape(c.layout, candidate.layout));
  if (twin >= 0) {
    if (!better(candidate, top[twin] as Candidate)) return;
    top.splice(twin, 1);
  } else if (top.length === size && !better(candidate, top[size - 1] as Candidate)) {
    return;
  }
  let i = top.length;
  top.push(candidate);
  while (i > 0 && better(candidate, top[i - 1] as Candidate)) {
    top[i] = top[i - 1] as Candidate;
    i--;
  }
  top[i] = candidate;
  if (top.length > size) top.pop();
}

/** HBM a layout may use: capacity less the headroom asked for, or less the tight margin by default. */
export function usableBytes(base: Omit<PlanInput, "layout">, constraints: SearchConstraints): number {
  const hbm = base.cluster.accelerator.hbmBytes;
  return constraints.memoryHeadroomBytes === undefined
    ? TIGHT_MEMORY_FRACTION * hbm
    : hbm - constraints.memoryHeadroomBytes;
}

/** The step-time terms on which `plan` loses most to `best`, per token of the best's step. */
export function losesBy(plan: PlanResult, best: PlanResult): RankedLayout["losesBy"] {
  // Compare per token, so layouts with different batches are compared fairly.
  const scale = best.step.tokens / plan.step.tokens;
  return STEP_COMPONENTS.map((term) => ({
    term,
    seconds: plan.step.breakdown[term] * scale - best.step.breakdown[term],
  }))
    .filter((delta) => delta.seconds > 1e-9)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 2);
}

/** What a search has found so far; each depth it scans adds to it. */
interface Found {
  readonly top: Candidate[];
  evaluated: number;
  feasible: number;
  closest: Candidate | undefined;
  firstViolation: string | undefined;
}

/** What stays fixed while a search scans its pipeline depths. */
interface DepthScan {
  readonly constraints: SearchConstraints;
  readonly net: NetworkBackend;
  readonly capacity: number;
  readonly zeros: readonly Layout["zero"][];
  /** Scratch: each ZeRO stage's memory floor at the depth being scanned. */
  readonly memoryFloors: Float64Array;
}

interface LayerCosts {
  readonly layer: LayerCost;
  readonly activations: LayerActivationBytes;
  readonly output: number;
}

/**
 * Seconds per token a layout must beat to enter the list: past the worst of a full list by more than
 * `better`'s tolerance, it can neither enter nor displace its own shape's entry (which ranks no worse).
 */
function barOf(top: readonly Candidate[], constraints: SearchConstraints): number {
  return top.length === constraints.top
    ? (top[top.length - 1] as Candidate).secondsPerToken * (1 + 1e-9)
    : Number.POSITIVE_INFINITY;
}

/**
 * One pipeline depth: its partition, stage footprints and step parts once, then every (interleaving,
 * ZeRO stage) at its batch as plain arithmetic. A function of its own so that V8 optimizes the hot
 * loop as a small unit (inlined into the whole search it took ~0.3 s to compile, and recompiled on
 * every input shape).
 */
function scanDepth(
  scan: DepthScan,
  found: Found,
  probe: PlanInput,
  costs: LayerCosts,
  virtuals: readonly number[],
): void {
  const { constraints, capacity, zeros, memoryFloors } = scan;
  const { top } = found;
  const depthLayout = probe.layout;
  const { pp, dp, microBatch } = depthLayout;
  const partition = partitionFor(probe, costs.layer, costs.output);
  const depth = depthCost(probe, scan.net, costs.layer, costs.output, partition);
  const floor = secondsPerTokenFloor(depth);
  // Only the list wanted: a depth that cannot enter it needs no memory (that is for the counts).
  if (constraints.bestOnly && floor > barOf(top, constraints)) return;
  const footprints = stageFootprints(probe, costs.activations, partition);
  const tokensPerSequence = probe.training.sequenceLength;
  // Each ZeRO stage's footprint without activations, less a rounding margin: a layout
  // above capacity at this floor, and no smaller than the closest miss, changes nothing.
  for (const zero of zeros) memoryFloors[zero] = peakStageFloorBytes(footprints, zero) * (1 - 1e-12);
  for (const virtualStages of virtuals) {
    // The interleaved schedule runs micro-batches in groups of pp.
    const unit = dp * microBatch * (virtualStages > 1 ? pp : 1);
    const batch = batchFor(unit, constraints.batch);
    if (batch === 0) continue;
    const microbatches = batch / (dp * microBatch);
    for (const zero of zeros) {
      found.evaluated++;
      const memoryFloor = memoryFloors[zero] as number;
      const { closest } = found;
      if (memoryFloor > capacity && closest && memoryFloor >= closest.memoryBytes) continue;
      const memory = peakStageBytes(footprints, zero, virtualStages, microbatches);
      if (memory > capacity) {
        if (!closest || memory < closest.memoryBytes) {
          found.closest = {
            layout: { ...depthLayout, virtualStages, zero },
            batch,
            secondsPerToken: Number.POSITIVE_INFINITY,
            memoryBytes: memory,
          };
        }
        continue;
      }
      found.feasible++;
      const bar = barOf(top, constraints);
      if (floor > bar) continue;
      const step = stepSecondsAt(depth, zero, virtualStages, batch);
      const secondsPerToken = step / (batch * tokensPerSequence);
      if (secondsPerToken > bar) continue;
      const layout: Layout = { ...depthLayout, virtualStages, zero };
      insertTop(top, { layout, batch, secondsPerToken, memoryBytes: memory }, constraints.top);
    }
  }
}

/**
 * A (tp, cp, micro-batch, SP, recompute, ep) with its legal pipeline depths, which share one layer's
 * costs, and the step-time floor (seconds per token) that bounds every depth of it from below: the
 * mean stage's layer terms (the whole model's layers and output layer over pp), with pp x dp fixed
 * here, less a rounding margin.
 */
interface Group {
  /** The group at its first legal depth. */
  readonly first: PlanInput;
  /** Its legal pipeline depths. */
  readonly pps: readonly number[];
  readonly layer: LayerCost;
  readonly output: number;
  readonly floor: number;
}

/** Each of a group's depths, with its own pp and dp. */
function scanGroup(
  scan: DepthScan,
  found: Found,
  { first, pps, layer, output }: Group,
  virtualsByPp: (pp: number) => readonly number[],
): void {
  // Activations are priced only here: a best-only search skips most groups unscanned.
  const costs: LayerCosts = { layer, activations: layerActivations(first), output };
  const { tp, cp } = first.layout;
  for (const pp of pps) {
    const probe =
      pp === first.layout.pp
        ? first
        : { ...first, layout: { ...first.layout, pp, dp: first.cluster.gpus / (tp * cp * pp) } };
    scanDepth(scan, found, probe, costs, virtualsByPp(pp));
  }
}

function groupFloor(layer: LayerCost, output: number, probe: PlanInput): number {
  const { layout, model, training, cluster } = probe;
  const modelSeconds = model.layers * (layer.forward + layer.backward) + output;
  const pipelineRanks = cluster.gpus / (layout.tp * layout.cp);
  return (modelSeconds / (pipelineRanks * layout.microBatch * training.sequenceLength)) * (1 - 1e-12);
}

/** `onProgress` hears the share of the (tp, cp) pairs begun, for a progress bar on large searches. */
export function searchLayouts(
  base: Omit<PlanInput, "layout">,
  constraints: SearchConstraints,
  onProgress?: (fraction: number) => void,
): SearchResult {
  const started = nowMilliseconds();
  const { model, training, cluster } = base;
  const { pinned } = constraints;
  const gpus = cluster.gpus;
  const capacity = usableBytes(base, constraints);
  const net = networkModel(base);

  const tps = options(
    pinned.tp,
    divisors(gpus).filter(
      (t) => t <= constraints.maxTp && model.heads % t === 0 && model.ffnHidden % t === 0,
    ),
  );
  const cps = options(
    pinned.cp,
    divisors(gpus).filter((c) => training.sequenceLength % c === 0 && training.sequenceLength / c >= 128),
  );
  const recomputes = options<Recompute>(pinned.recompute, ["none", "selective", "full"]);
  const zeros = options<Layout["zero"]>(pinned.zero, [0, 1, 2, 3]);
  const eps = options(pinned.ep, model.moe ? divisors(model.moe.experts) : [1]);

  const found: Found = { top: [], evaluated: 0, feasible: 0, closest: undefined, firstViolation: undefined };
  const endStagePins = {
    ...(pinned.firstStageLayers !== undefined ? { firstStageLayers: pinned.firstStageLayers } : {}),
    ...(pinned.lastStageLayers !== undefined ? { lastStageLayers: pinned.lastStageLayers } : {}),
  };
  const scan: DepthScan = {
    constraints,
    net,
    capacity,
    zeros,
    memoryFloors: new Float64Array(4),
  };
  const virtualCache = new Map<number, readonly number[]>();
  const virtualsByPp = (pp: number) => {
    let cached = virtualCache.get(pp);
    if (!cached) {
      cached = virtualOptions(model.layers, pp, pinned.virtualStages);
      virtualCache.set(pp, cached);
    }
    return cached;
  };

  const groups: Group[] = [];
  const pairs = tps.length * cps.length;
  let pairsBegun = 0;
  for (const tp of tps) {
    if (model.kvHeads % tp !== 0 && tp % model.kvHeads !== 0) {
      pairsBegun += cps.length;
      continue;
    }
    const sequenceParallels = options(pinned.sequenceParallel, tp > 1 ? [true, false] : [false]);
    for (const cp of cps) {
      onProgress?.(pairsBegun++ / pairs);
      const depths = options(pinned.pp, divisors(gpus / tp / cp)).filter(
        (pp) =>
          pp <= model.layers &&
          (gpus / tp / cp) % pp === 0 &&
          !endStagePinsProblem(model.layers, pp, endStagePins),
      );
      for (const microBatch of options(pinned.microBatch, MICRO_BATCHES)) {
        // The output layer depends only on tp, cp and the micro-batch.
        let output: number | undefined;
        for (const sequenceParallel of sequenceParallels) {
          // A layer's cost but for what it recomputes, by ep: the same for every recompute policy.
          const unrecomputed = new Map<number, LayerCost>();
          for (const recompute of recomputes) {
            for (const ep of eps) {
              const pps: number[] = [];
              for (const pp of depths) {
                const dp = gpus / (tp * cp * pp);
                if (pinned.dp !== undefined && pinned.dp !== dp) continue;
                if ((tp * cp * dp) % ep !== 0) continue;
                // Interleaving only multiplies the batch unit, so a micro-batch that fails plain 1F1B fails all.
                if (batchFor(dp * microBatch, constraints.batch) === 0) {
                  found.firstViolation ??= `no global batch in ${constraints.batch.min}..${constraints.batch.max} sequences is a multiple of dp x microBatch = ${dp * microBatch}`;
                  continue;
                }
                pps.push(pp);
              }
              const pp = pps[0];
              if (pp === undefined) continue;
              // The group at its first depth; its ZeRO stage and interleaving are scanDepth's loops.
              const layout: Layout = {
                ...provisional,
                tp,
                pp,
                cp,
                dp: gpus / (tp * cp * pp),
                ep,
                microBatch,
                recompute,
                sequenceParallel,
                ...endStagePins,
              };
              const first: PlanInput = { model, training, cluster, layout };
              // One layer's cost and activations depend on none of pp, dp, v or ZeRO: once per group.
              let base = unrecomputed.get(ep);
              if (!base) {
                base = layerCostWithoutRecompute(first, net);
                unrecomputed.set(ep, base);
              }
              output ??= outputLayerSeconds(first);
              const layer = withRecompute(base, recompute);
              const group: Group = { first, pps, layer, output, floor: groupFloor(layer, output, first) };
              if (constraints.bestOnly) groups.push(group);
              else scanGroup(scan, found, group, virtualsByPp);
            }
          }
        }
      }
    }
  }
  // Best-only: the groups by their floors, lowest first, so the list fills with fast layouts early and
  // every group from the first whose floor loses to it on is skipped. The list is the full search's:
  // a skipped group has no layout that could enter it.
  groups.sort((a, b) => a.floor - b.floor);
  for (const group of groups) {
    if (group.floor > barOf(found.top, constraints)) break;
    scanGroup(scan, found, group, virtualsByPp);
  }

  const { top, closest } = found;
  if (top.length === 0) {
    const closestPlan = closest
      ? planLayout({ ...base, training: withBatch(training, closest.batch), layout: closest.layout })
      : undefined;
    throw new InfeasibleError(
      nothingFits(base, constraints, closest, closestPlan, found.firstViolation, found.evaluated),
      closestPlan,
    );
  }
  const plans = top.map((c) =>
    planLayout({ ...base, training: withBatch(training, c.batch), layout: c.layout }),
  );
  const best = plans[0] as PlanResult;
  return {
    top: plans.map((plan, i) => ({ plan, losesBy: i === 0 ? [] : losesBy(plan, best) })),
    evaluated: found.evaluated,
    feasible: found.feasible,
    seconds: (nowMilliseconds() - started) / 1000,
  };
}

const MICRO_BATCHES = [1, 2, 3, 4, 6, 8, 12, 16];

const provisional: Layout = {
  tp: 1,
  pp: 1,
  cp: 1,
  dp: 1,
  ep: 1,
  microBatch: 1,
  virtualStages: 1,
  recompute: "none",
  zero: 0,
  sequenceParallel: false,
};

function withBatch(training: TrainingSetup, batch: number): TrainingSetup {
  return batch === training.globalBatchSequences ? training : { ...training, globalBatchSequences: batch };
}

function nothingFits(
  base: Omit<PlanInput, "layout">,
  constraints: SearchConstraints,
  closest: Candidate | undefined,
  plan: PlanResult | undefined,
  violation: string | undefined,
  evaluated: number,
): string {
  if (!closest || !plan) {
    // Name the broken rule when the pinned fields alone break one.
    const { tp = 1, pp = 1, cp = 1 } = constraints.pinned;
    const representative: Layout = {
      ...provisional,
      dp: base.cluster.gpus / (tp * pp * cp),
      ...constraints.pinned,
    };
    const violations = layoutViolations(base.model, representative, {
      gpus: base.cluster.gpus,
      sequenceLength: base.training.sequenceLength,
      globalBatchSequences: constraints.batch.max,
    });
    if (violations.length > 0) {
      return `the layout cannot run:\n${violations.map((v) => `  - layout.${v.field}: ${v.message}`).join("\n")}`;
    }
    const pinned = Object.entries(constraints.pinned)
      .map(([field, value]) => `${field} ${value}`)
      .join(", ");
    const why = violation ?? "no layout satisfies the model's and the cluster's divisibility rules";
    return `no legal layout among ${evaluated} evaluated${pinned ? ` with ${pinned} pinned` : ""}: ${why}`;
  }
  const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;
  const l = closest.layout;
  return (
    `nothing fits in memory: the smallest footprint among ${evaluated} layouts is ${gib(closest.memoryBytes)} per GPU ` +
    `(tp ${l.tp}, pp ${l.pp}, cp ${l.cp}, dp ${l.dp}, micro-batch ${l.microBatch}, recompute ${l.recompute}, ZeRO ${l.zero}) ` +
    `against ${gib(usableBytes(base, constraints))} usable; ` +
    `its largest term is ${largestTerm(plan)}. Use more GPUs, a larger-memory accelerator, or unpin fields.`
  );
}

function largestTerm(plan: PlanResult): string {
  const { total, ...terms } = plan.memory.perGpuBytes;
  const [term, bytes] = Object.entries(terms).sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  return `${term} (${(bytes / GiB).toFixed(1)} GiB of ${(total / GiB).toFixed(1)})`;
}

/**
 * The layout a job that ran used: its stated fields, the rest as the search picks them up to the whole
 * HBM at its own batch. When the memory model finds no layout that fits, the job ran all the same:
 * the closest layout is priced, and `fits` says the model disagrees.
 */
export function layoutAsRan(
  base: Omit<PlanInput, "layout">,
  constraints: Omit<SearchConstraints, "memoryHeadroomBytes" | "batch" | "top">,
): { plan: PlanResult; fits: boolean } {
  const batch = base.training.globalBatchSequences;
  try {
    const best = searchLayouts(base, {
      ...constraints,
      memoryHeadroomBytes: 0,
      batch: { min: batch, max: batch },
      top: 1,
      bestOnly: true,
    }).top[0];
    if (!best) throw new Error("a successful search returns at least one layout");
    return { plan: best.plan, fits: true };
  } catch (error) {
    const closest = error instanceof InfeasibleError ? (error.closest as PlanResult | undefined) : undefined;
    if (closest) return { plan: closest, fits: false };
    throw error;
  }
}
