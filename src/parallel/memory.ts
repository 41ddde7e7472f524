import { type LayerActivationBytes, layerActivationBytes } from "../model/activations.ts";
import { stateBytesPerParameter } from "../model/precision.ts";
import { parameterCounts } from "../model/transformer.ts";
import { type Layout, stageLayers, stageParameterCount } from "./layout.ts";
import { microbatchesPerStep, type PlanInput, tokensPerMicrobatch } from "./plan-input.ts";

export interface MemoryBreakdown {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  /** Output layer input, fp32 logits and cross-entropy on the last stage. */
  readonly logits: number;
  /** Gathered weight buffers (ZeRO-3) and one recomputed layer (full recompute). */
  readonly workingBuffers: number;
  readonly framework: number;
  readonly total: number;
}

export interface MemoryEstimate {
  /** The pipeline stage with the highest footprint, and its breakdown. */
  readonly stage: number;
  readonly perGpuBytes: MemoryBreakdown;
  readonly parametersPerGpu: number;
}

/** Micro-batches whose activations stage `stage` holds at its peak under 1F1B (or interleaved) scheduling. */
export function inFlightMicrobatches(layout: Layout, stage: number, microbatches: number): number {
  const base = Math.min(microbatches, layout.pp - stage);
  if (layout.virtualStages <= 1 || stage > 0) return base;
  // Korthikanti et al. 2022, section 4.2.3: interleaving adds (p-1)/(p v) in-flight work on stage 0.
  return base * (1 + (layout.pp - 1) / (layout.pp * layout.virtualStages));
}

// Each term is its own function of plain numbers, so the search can add them up for millions of
// layouts without building a breakdown object for each.

function weightBytes(input: PlanInput, parameters: number): number {
  const { layout, training } = input;
  const state = stateBytesPerParameter(training.recipe, training.precision);
  // Context-parallel ranks hold the same weights, so ZeRO shards over dp x cp.
  const shards = layout.dp * layout.cp;
  return (
    parameters * (layout.zero >= 3 ? state.weights / shards : state.weights) + parameters * state.castCopies
  );
}

function gradientBytes(input: PlanInput, parameters: number): number {
  const { layout, training } = input;
  const { gradients } = stateBytesPerParameter(training.recipe, training.precision);
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
    inFlightMicrobatches(input.layout, stage, microbatchesPerStep(input))
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
  const { weights } = stateBytesPerParameter(training.recipe, training.precision);
  const gathered = layout.zero >= 3 ? (2 * parameterCounts(model).perLayer * weights) / layout.tp : 0;
  return gathered + layer.recomputeWorkingSet;
}

function stageTotal(
  input: PlanInput,
  layer: LayerActivationBytes,
  stage: number,
  layersOnStage: number,
): number {
  const parameters = stageParameterCount(input.model, input.layout, stage, layersOnStage);
  return (
    weightBytes(input, parameters) +
    gradientBytes(input, parameters) +
    optimizerBytes(input, parameters) +
    activationBytes(input, layer, stage, layersOnStage) +
    logitsBytes(input, stage) +
    workingBufferBytes(input, layer) +
    input.cluster.stack.frameworkMemoryBytes
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
  });
}

/**
 * The largest stage and its footprint. Stage 0 holds the most micro-batches in flight (stage 1 too when
 * stage 0 gave up a layer), the last stage holds the logits; the middle stages hold fewer of either.
 */
export function peakStageMemory(
  input: PlanInput,
  layer: LayerActivationBytes,
): { stage: number; bytes: number } {
  const { pp } = input.layout;
  const layers = stageLayers(input.model.layers, pp);
  let stage = 0;
  let bytes = stageTotal(input, layer, 0, layers.first);
  if (pp > 2) {
    const middle = stageTotal(input, layer, 1, layers.middleMax);
    if (middle > bytes) {
      stage = 1;
      bytes = middle;
    }
  }
  if (pp > 1) {
    const last = stageTotal(input, layer, pp - 1, layers.last);
    if (last > bytes) {
      stage = pp - 1;
      bytes = last;
    }
  }
  return { stage, bytes };
}

export function memoryPerGpu(input: PlanInput): MemoryEstimate {
  const layer = layerActivations(input);
  const { stage } = peakStageMemory(input, layer);
  const layers = stageLayers(input.model.layers, input.layout.pp);
  const layersOnStage =
    stage === 0 ? layers.first : stage === input.layout.pp - 1 ? layers.last : layers.middleMax;
  const parameters = stageParameterCount(input.model, input.layout, stage, layersOnStage);
  const terms = {
    weights: weightBytes(input, parameters),
    gradients: gradientBytes(input, parameters),
    optimizer: optimizerBytes(input, parameters),
    activations: activationBytes(input, layer, stage, layersOnStage),
    logits: logitsBytes(input, stage),
    workingBuffers: workingBufferBytes(input, layer),
    framework: input.cluster.stack.frameworkMemoryBytes,
  };
  const total = Object.values(terms).reduce((sum, bytes) => sum + bytes, 0);
  return { stage, perGpuBytes: { ...terms, total }, parametersPerGpu: parameters };
}
