import { type LayerActivationBytes, layerActivationBytes } from "../model/activations.ts";
import { stateBytesPerParameter } from "../model/precision.ts";
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
  layout: Layout,
  stage: number,
  microbatches: number,
  schedule: PlanInput["cluster"]["stack"]["pipelineSchedule"] = "1f1b",
): number {
  // DualPipe keeps PP + 1 micro-batches of activations on every device (DeepSeek-V3 report, Table 2).
  if (schedule === "dualpipe" && layout.pp > 1) return Math.min(microbatches, layout.pp + 1);
  const base = Math.min(microbatches, layout.pp - stage);
  if (layout.virtualStages <= 1 || stage > 0) return base;
  // Korthikanti et al. 2022, section 4.2.3: interleaving adds (p-1)/(p v) in-flight work on stage 0.
  return base * (1 + (layout.pp - 1) / (layout.pp * layout.virtualStages));
}

// Each term is its own function of plain numbers, so the search can add them up for millions of
// layouts without building a breakdown object for each.

/** DualPipe holds two copies of its stage's parameters (one per direction). */
function parameterCopies(input: PlanInput): number {
  return input.cluster.stack.pipelineSchedule === "dualpipe" && input.layout.pp > 1 ? 2 : 1;
}

function weightBytes(input: PlanInput, parameters: number): number {
  const { layout, training } = input;
  const state = stateBytesPerParameter(training.recipe, training.precision);
  // Context-parallel ranks hold the same weights, so ZeRO shards over dp x cp. Under ZeRO-3 the
  // low-precision copies exist only for the gathered layers (working buffers).
  if (layout.zero >= 3) return (parameters * state.weights) / (layout.dp * layout.cp);
  return parameters * (state.weights + state.castCopies);
}

function gradientBytes(input: PlanInput, parameters: number): number {
  const { layout, training, cluster } = input;
  const recipeBytes = stateBytesPerParameter(training.recipe, training.precision).gradients;
  const gradients = cluster.stack.bf16Gradients && training.recipe !== "pytorch-amp" ? 2 : recipeBytes;
  return parameters * (layout.zero >= 2 ? gradients / (layout.dp * layout.cp) : gradients);
}

function optimizerBytes(input: PlanInput, parameters: number): number {
  const { layout, training } = input;
  const { optimizer } = stateBytesPerParameter(training.recipe, training.precision);
  return parameters * (layout.zero >= 1 ? optimizer / (layout.dp * layout.cp) : optimizer);
}

function activationBytes(
  input: PlanInput,
  layer: LayerActivationBytes,
  stage: number,
  layersOnStage: number,
): number {
  return (
    layer.storedPerLayer *
    layersOnStage *
    inFlightMicrobatches(
      input.layout,
      stage,
      microbatchesPerStep(input),
      input.cluster.stack.pipelineSchedule,
    )
  );
}

function logitsBytes(input: PlanInput, stage: number): number {
  const { layout, model } = input;
  if (stage !== layout.pp - 1) return 0;
  const tokens = tokensPerMicrobatch(input);
  const spShare = layout.sequenceParallel ? layout.tp : 1;
  return (tokens * 2 * model.hidden) / spShare + (tokens * 4 * model.vocab) / layout.tp;
}

function workingBufferBytes(input: PlanInput, layer: LayerActivationBytes): number {
  const { layout, model, training } = input;
  const { weights, castCopies } = stateBytesPerParameter(training.recipe, training.precision);
  // ZeRO-3 holds the layer in use and the one prefetched, unsharded, with their compute copies.
  const gathered =
    layout.zero >= 3 ? (2 * parameterCounts(model).perLayer * (weights + castCopies)) / layout.tp : 0;
  return gathered + layer.recomputeWorkingSet;
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

function frameworkBytes(input: PlanInput): number {
  const { stack } = input.cluster;
  return stack.runtimeMemoryBytes + communicators(input.layout) * stack.communicatorMemoryBytes;
}

function stageTerms(input: PlanInput, layer: LayerActivationBytes, stage: number, layersOnStage: number) {
  const parameters =
    parameterCopies(input) * stageParameterCount(input.model, input.layout, stage, layersOnStage);
  const activations = activationBytes(input, layer, stage, layersOnStage);
  const logits = logitsBytes(input, stage);
  const workingBuffers = workingBufferBytes(input, layer);
  return {
    parameters,
    terms: {
      weights: weightBytes(input, parameters),
      gradients: gradientBytes(input, parameters),
      optimizer: optimizerBytes(input, parameters),
      activations,
      logits,
      workingBuffers,
      framework: frameworkBytes(input),
      allocatorReserve: input.cluster.stack.allocatorOverhead * (activations + logits + workingBuffers),
    },
  };
}

/**
 * stageTerms' total as plain numbers, in the same order of addition (the search calls it millions of
 * times); `workingBuffers` and `framework` do not depend on the stage and come in computed once.
 */
function stageTotal(
  input: PlanInput,
  layer: LayerActivationBytes,
  stage: number,
  layersOnStage: number,
  workingBuffers: number,
  framework: number,
): number {
  const parameters =
    parameterCopies(input) * stageParameterCount(input.model, input.layout, stage, layersOnStage);
  const activations = activationBytes(input, layer, stage, layersOnStage);
  const logits = logitsBytes(input, stage);
  return (
    weightBytes(input, parameters) +
    gradientBytes(input, parameters) +
    optimizerBytes(input, parameters) +
    activations +
    logits +
    workingBuffers +
    framework +
    input.cluster.stack.allocatorOverhead * (activations + logits + workingBuffers)
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

function layersOn(partition: StagePartition, stage: number, pp: number): number {
  if (stage === 0) return partition.first;
  return stage === pp - 1 ? partition.last : partition.middleMax;
}

/**
 * The largest stage and its footprint. Stage 0 holds the most micro-batches in flight, stage 1 the
 * fullest middle stage, the last stage the logits.
 */
export function peakStageMemory(
  input: PlanInput,
  layer: LayerActivationBytes,
  partition: StagePartition,
): { stage: number; bytes: number } {
  const { pp } = input.layout;
  const workingBuffers = workingBufferBytes(input, layer);
  const framework = frameworkBytes(input);
  let stage = 0;
  let bytes = stageTotal(input, layer, 0, partition.first, workingBuffers, framework);
  if (pp > 2) {
    const middle = stageTotal(input, layer, 1, partition.middleMax, workingBuffers, framework);
    if (middle > bytes) {
      stage = 1;
      bytes = middle;
    }
  }
  if (pp > 1) {
    const last = stageTotal(input, layer, pp - 1, partition.last, workingBuffers, framework);
    if (last > bytes) {
      stage = pp - 1;
      bytes = last;
    }
  }
  return { stage, bytes };
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
  const layer = layerActivations(input);
  const { stage } = peakStageMemory(input, layer, partition);
  const { parameters, terms } = stageTerms(input, layer, stage, layersOn(partition, stage, input.layout.pp));
  const total = Object.values(terms).reduce((sum, bytes) => sum + bytes, 0);
  return { stage, perGpuBytes: { ...terms, total }, parametersPerGpu: parameters };
}
