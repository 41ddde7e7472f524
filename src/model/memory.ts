import type { Layout } from "../parallel/layout.ts";
import { stageLayerCounts } from "../parallel/layout.ts";
import { microbatchesPerStep, type PlanInput, tokensPerMicrobatch } from "../parallel/plan-input.ts";
import { layerActivationBytes } from "./activations.ts";
import { stateBytesPerParameter } from "./precision.ts";
import { parameterCounts } from "./transformer.ts";

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

function stageParameters(input: PlanInput, stage: number, layersOnStage: number): number {
  const { model, layout } = input;
  const counts = parameterCounts(model);
  let parameters = (layersOnStage * counts.perLayer) / layout.tp;
  if (stage === 0) parameters += counts.embedding / layout.tp;
  if (stage === layout.pp - 1) {
    // With pp > 1 a tied output layer still needs its own copy of the embedding on the last stage.
    const output = model.tiedEmbeddings ? (layout.pp > 1 ? counts.embedding : 0) : counts.outputProjection;
    parameters += (output + counts.finalNorm) / layout.tp;
  }
  return parameters;
}

function stageMemory(
  input: PlanInput,
  stage: number,
  layersOnStage: number,
): MemoryBreakdown & { parameters: number } {
  const { model, layout, training, cluster } = input;
  const state = stateBytesPerParameter(training.recipe, training.precision);
  const parameters = stageParameters(input, stage, layersOnStage);
  // Context-parallel ranks hold the same weights, so ZeRO shards over dp x cp.
  const shards = layout.dp * layout.cp;
  const weights =
    parameters * (layout.zero >= 3 ? state.weights / shards : state.weights) + parameters * state.castCopies;
  const gradients = parameters * (layout.zero >= 2 ? state.gradients / shards : state.gradients);
  const optimizer = parameters * (layout.zero >= 1 ? state.optimizer / shards : state.optimizer);

  const tokens = tokensPerMicrobatch(input);
  const layer = layerActivationBytes(model, {
    tokens,
    sequenceLength: training.sequenceLength,
    tp: layout.tp,
    sequenceParallel: layout.sequenceParallel,
    recompute: layout.recompute,
    attentionKernel: cluster.stack.attentionKernel,
  });
  const inFlight = inFlightMicrobatches(layout, stage, microbatchesPerStep(input));
  const activations = layer.storedPerLayer * layersOnStage * inFlight;

  const spShare = layout.sequenceParallel ? layout.tp : 1;
  const logits =
    stage === layout.pp - 1
      ? (tokens * 2 * model.hidden) / spShare + (tokens * 4 * model.vocab) / layout.tp
      : 0;
  const counts = parameterCounts(model);
  const gatheredWeights = layout.zero >= 3 ? (2 * counts.perLayer * state.weights) / layout.tp : 0;
  const workingBuffers = gatheredWeights + layer.recomputeWorkingSet;
  const framework = cluster.stack.frameworkMemoryBytes;
  const total = weights + gradients + optimizer + activations + logits + workingBuffers + framework;
  return { weights, gradients, optimizer, activations, logits, workingBuffers, framework, total, parameters };
}

export function memoryPerGpu(input: PlanInput): MemoryEstimate {
  const layers = stageLayerCounts(input.model.layers, input.layout.pp);
  let worst: ReturnType<typeof stageMemory> | undefined;
  let worstStage = 0;
  // Stage 0 holds the most micro-batches in flight (stage 1 too when stage 0 gave up a layer), the
  // last stage holds the logits; the middle stages hold fewer of either.
  const candidates = new Set([0, Math.min(1, input.layout.pp - 1), input.layout.pp - 1]);
  for (const stage of candidates) {
    const memory = stageMemory(input, stage, layers[stage] ?? 0);
    if (!worst || memory.total > worst.total) {
      worst = memory;
      worstStage = stage;
    }
  }
  if (!worst) throw new Error("a layout has at least one pipeline stage");
  const { parameters, ...perGpuBytes } = worst;
  return { stage: worstStage, perGpuBytes, parametersPerGpu: parameters };
}
