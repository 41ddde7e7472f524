import { type LayerActivationBytes, layerActivationBytes } from "../model/activations.ts";
import { type StateBytesPerParameter, stateBytesPerParameter } from "../model/precision.ts";
import { parameterCounts } from "../model/transformer.ts";
import { layerCost, networkModel, outputLayerSeconds } from "./layer-cost.ts";
import { type Layout, stageParameterCount } from "./layout.ts";
import type { StagePartition } from "./pipeline.ts";
import { microbatchesPerStep, type PlanInput, tokensPerMicrobatch } from "./plan-input.ts";
import { partitionFor } from "./step-time.ts";

export interface MemoryBreakdown {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  /** Output layer input, fp32 logits and cross-entropy on the last stage. */
  readonly logits: number;
  /** Gathered weight buffers (ZeRO-3) and one recomputed layer (full recompute). */
  readonly workingBuffers: number;
  /** CUDA context, workspaces and one set of NCCL buffers per communicator. */
  readonly framework: number;
  /** Caching-allocator reserve over the live tensors (fragmentation). */
  readonly allocatorReserve: number;
  readonly total: number;
}

export interface MemoryEstimate {
  /** The pipeline stage with the highest footprint, and its breakdown. */
  readonly stage: number;
  readonly perGpuBytes: MemoryBreakdown;
  readonly parametersPerGpu: number;
}

/**
 * Share of HBM above which a predicted footprint is `tight`: the validated memory error is within 10%
 * (Korthikanti et al. Fig. 1 rows in `validate`), so a prediction closer than that to capacity may
 * well be over it. Above 100% it does not fit.
 */
export const TIGHT_MEMORY_FRACTION = 0.9;

export type MemoryVerdict = "fits" | "tight" | "does not fit";

export function memoryVerdict(totalBytes: number, capacityBytes: number): MemoryVerdict {
  if (totalBytes > capacityBytes) return "does not fit";
  return totalBytes > TIGHT_MEMORY_FRACTION * capacityBytes ? "tight" : "fits";
}

/** Micro-batches whose activations stage `stage` holds at its peak under the stack's schedule. */
export function inFlightMicrobatches(
  layout: Pick<Layout, "pp" | "virtualStages">,
  stage: number,
  microbatches: number,
  schedule: PlanInput["cluster"]["stack"]["pipelineSchedule"] = "1f1b",
): number {
  return inFlight(layout.pp, layout.virtualStages, stage, microbatches, schedule);
}

function inFlight(
  pp: number,
  virtualStages: number,
  stage: number,
  microbatches: number,
  schedule: PlanInput["cluster"]["stack"]["pipelineSchedule"],
): number {
  // DualPipe keeps PP + 1 micro-batches of activations on every device (DeepSeek-V3 report, Table 2).
  if (schedule === "dualpipe" && pp > 1) return Math.min(microbatches, pp + 1);
  const base = Math.min(microbatches, pp - stage);
  if (virtualStages <= 1 || stage > 0) return base;
  // Korthikanti et al. 2022, section 4.2.3: interleaving adds (p-1)/(p v) in-flight work on stage 0.
  return base * (1 + (pp - 1) / (pp * virtualStages));
}

/** The stages whose footprint can be the largest: the first, the fullest middle one and the last. */
type StagePosition = 0 | 1 | 2;
const POSITIONS: readonly StagePosition[] = [0, 1, 2];

/** The positions a pipeline of `pp` stages has: one stage, first and last, or all three. */
function positionsOf(pp: number): readonly StagePosition[] {
  return pp > 2 ? POSITIONS : pp > 1 ? FIRST_AND_LAST : FIRST_ONLY;
}
const FIRST_AND_LAST: readonly StagePosition[] = [0, 2];
const FIRST_ONLY: readonly StagePosition[] = [0];

/**
 * What a layout's footprint is made of apart from its ZeRO stage, interleaving depth and batch: one
 * (tp, cp, ep, micro-batch, SP, recompute, pp) combination fixes it, so the search builds it once per
 * pipeline depth and prices every ZeRO stage, depth and batch from it with a few multiplications.
 */
export interface StageFootprints {
  readonly pp: number;
  /** The positions this pipeline has, in the order a tie goes to. */
  readonly positions: readonly StagePosition[];
  readonly schedule: PlanInput["cluster"]["stack"]["pipelineSchedule"];
  /** Ranks the ZeRO stages shard over: dp x cp (context-parallel ranks hold the same weights). */
  readonly shards: number;
  readonly state: StateBytesPerParameter;
  /** Gradient bytes per parameter as the stack keeps them. */
  readonly gradientBytes: number;
  /** Stage number of each position (first, fullest middle, last). */
  readonly stages: readonly [number, number, number];
  /** Parameters a GPU of each position holds, DualPipe's second copy included. */
  readonly parameters: readonly [number, number, number];
  /** Activation bytes one micro-batch leaves on each position. */
  readonly activationsPerMicrobatch: readonly [number, number, number];
  /** Output layer input, fp32 logits and cross-entropy, on the last stage only. */
  readonly logits: readonly [number, number, number];
  /** ZeRO-3's two gathered layers, unsharded, with their compute copies. */
  readonly gatheredLayers: number;
  /** One recomputed layer's working set (full recompute). */
  readonly recomputeWorkingSet: number;
  readonly framework: number;
  readonly allocatorOverhead: number;
  /** Weights + gradients + optimizer state of each position under each ZeRO stage, at [position * 4 + zero]. */
  readonly modelStates: number[];
}

/** Communicators a GPU belongs to: one per parallel dimension larger than 1. */
function communicators(layout: Layout): number {
  return (
    (layout.tp > 1 ? 1 : 0) +
    (layout.pp > 1 ? 1 : 0) +
    (layout.cp > 1 ? 1 : 0) +
    (layout.dp * layout.cp > 1 ? 1 : 0) +
    (layout.ep > 1 ? 1 : 0)
  );
}

/** Activation bytes of one layer; depends on the layout only through tp, cp, micro-batch, SP and recompute. */
export function layerActivations(input: PlanInput): LayerActivationBytes {
  const { model, layout, training, cluster } = input;
  return layerActivationBytes(model, {
    tokens: tokensPerMicrobatch(input),
    sequenceLength: training.sequenceLength,
    tp: layout.tp,
    sequenceParallel: layout.sequenceParallel,
    recompute: layout.recompute,
    attentionKernel: cluster.stack.attentionKernel,
    precision: training.precision,
    style: cluster.stack.activationStyle,
  });
}

/** The footprints' parts for `input`'s layout (its ZeRO stage, interleaving and batch are not read). */
export function stageFootprints(
  input: PlanInput,
  layer: LayerActivationBytes,
  partition: StagePartition,
): StageFootprints {
  const { model, layout, training, cluster } = input;
  const { stack } = cluster;
  const { pp } = layout;
  const state = stateBytesPerParameter(training.recipe, training.precision);
  // DualPipe holds two copies of its stage's parameters (one per direction).
  const copies = stack.pipelineSchedule === "dualpipe" && pp > 1 ? 2 : 1;
  const stages = [0, 1, pp - 1] as const;
  const parametersOn = (stage: number, layers: number) =>
    copies * stageParameterCount(model, layout, stage, layers);
  const tokens = tokensPerMicrobatch(input);
  const spShare = layout.sequenceParallel ? layout.tp : 1;
  const logits = (tokens * 2 * model.hidden) / spShare + (tokens * 4 * model.vocab) / layout.tp;
  const f: StageFootprints = {
    pp,
    positions: positionsOf(pp),
    schedule: stack.pipelineSchedule,
    shards: layout.dp * layout.cp,
    state,
    gradientBytes: stack.bf16Gradients && training.recipe !== "pytorch-amp" ? 2 : state.gradients,
    stages,
    parameters: [
      parametersOn(0, partition.first),
      parametersOn(1, partition.middleMax),
      parametersOn(pp - 1, partition.last),
    ],
    activationsPerMicrobatch: [
      layer.storedPerLayer * partition.first,
      layer.storedPerLayer * partition.middleMax,
      layer.storedPerLayer * partition.last,
    ],
    logits: [pp === 1 ? logits : 0, pp === 2 ? logits : 0, logits],
    gatheredLayers: (2 * parameterCounts(model).perLayer * (state.weights + state.castCopies)) / layout.tp,
    recomputeWorkingSet: layer.recomputeWorkingSet,
    framework: stack.runtimeMemoryBytes + communicators(layout) * stack.communicatorMemoryBytes,
    allocatorOverhead: stack.allocatorOverhead,
    modelStates: [],
  };
  for (const at of POSITIONS) {
    for (let zero = 0; zero <= 3; zero++) {
      f.modelStates[at * 4 + zero] =
        weightBytes(f, at, zero) + gradientBytes(f, at, zero) + optimizerBytes(f, at, zero);
    }
  }
  return f;
}

// Each term is its own function of plain numbers, so the search can add them up for millions of
// layouts without building a breakdown object for each.

function weightBytes(f: StageFootprints, at: StagePosition, zero: number): number {
  // Under ZeRO-3 the low-precision copies exist only for the gathered layers (working buffers).
  const parameters = f.parameters[at];
  if (zero >= 3) return (parameters * f.state.weights) / f.shards;
  return parameters * (f.state.weights + f.state.castCopies);
}

function gradientBytes(f: StageFootprints, at: StagePosition, zero: number): number {
  return f.parameters[at] * (zero >= 2 ? f.gradientBytes / f.shards : f.gradientBytes);
}

function optimizerBytes(f: StageFootprints, at: StagePosition, zero: number): number {
  return f.parameters[at] * (zero >= 1 ? f.state.optimizer / f.shards : f.state.optimizer);
}

function activationBytes(
  f: StageFootprints,
  at: StagePosition,
  virtualStages: number,
  microbatches: number,
): number {
  return (
    f.activationsPerMicrobatch[at] * inFlight(f.pp, virtualStages, f.stages[at], microbatches, f.schedule)
  );
}

function workingBufferBytes(f: StageFootprints, zero: number): number {
  return (zero >= 3 ? f.gatheredLayers : 0) + f.recomputeWorkingSet;
}

/** stageTerms' total as plain numbers, in the same order of addition. */
function stageBytes(
  f: StageFootprints,
  at: StagePosition,
  zero: number,
  virtualStages: number,
  microbatches: number,
): number {
  return stageBytesWith(f, at, zero, activationBytes(f, at, virtualStages, microbatches));
}

function stageBytesWith(f: StageFootprints, at: StagePosition, zero: number, activations: number): number {
  const logits = f.logits[at];
  const workingBuffers = workingBufferBytes(f, zero);
  return (
    (f.modelStates[at * 4 + zero] as number) +
    activations +
    logits +
    workingBuffers +
    f.framework +
    f.allocatorOverhead * (activations + logits + workingBuffers)
  );
}

function stageTerms(
  f: StageFootprints,
  at: StagePosition,
  zero: number,
  virtualStages: number,
  microbatches: number,
): Omit<MemoryBreakdown, "total"> {
  const activations = activationBytes(f, at, virtualStages, microbatches);
  const logits = f.logits[at];
  const workingBuffers = workingBufferBytes(f, zero);
  return {
    weights: weightBytes(f, at, zero),
    gradients: gradientBytes(f, at, zero),
    optimizer: optimizerBytes(f, at, zero),
    activations,
    logits,
    workingBuffers,
    framework: f.framework,
    allocatorReserve: f.allocatorOverhead * (activations + logits + workingBuffers),
  };
}

/**
 * The largest footprint over the stages: stage 0 holds the most micro-batches in flight, stage 1 the
 * fullest middle stage, the last stage the logits. The search calls this for every layout.
 */
export function peakStageBytes(
  f: StageFootprints,
  zero: number,
  virtualStages: number,
  microbatches: number,
): number {
  let bytes = 0;
  for (const at of f.positions) bytes = Math.max(bytes, stageBytes(f, at, zero, virtualStages, microbatches));
  return bytes;
}

/**
 * A lower bound on peakStageBytes at this ZeRO stage whatever the interleaving and batch: the peak
 * without its activations (every term is non-negative). The search skips layouts it proves hopeless.
 */
export function peakStageFloorBytes(f: StageFootprints, zero: number): number {
  let floor = 0;
  for (const at of f.positions) floor = Math.max(floor, stageBytesWith(f, at, zero, 0));
  return floor;
}

/** The stack's stage partition for this input, from its own layer and output-layer cost. */
function ownPartition(input: PlanInput): StagePartition {
  const net = networkModel(input);
  return partitionFor(input, layerCost(input, net), outputLayerSeconds(input));
}

export function memoryPerGpu(
  input: PlanInput,
  partition: StagePartition = ownPartition(input),
): MemoryEstimate {
  const { zero, virtualStages } = input.layout;
  const microbatches = microbatchesPerStep(input);
  const f = stageFootprints(input, layerActivations(input), partition);
  const peak = peakStageBytes(f, zero, virtualStages, microbatches);
  // The first position (first, middle, last) that reaches the peak.
  const at = f.positions.find((p) => stageBytes(f, p, zero, virtualStages, microbatches) === peak) ?? 0;
  const terms = stageTerms(f, at, zero, virtualStages, microbatches);
  const total = Object.values(terms).reduce((sum, bytes) => sum + bytes, 0);
  return { stage: f.stages[at], perGpuBytes: { ...terms, total }, parametersPerGpu: f.parameters[at] };
}
