import { InfeasibleError } from "../errors.ts";
import { type ModelSpec, parameterCounts, type Recompute } from "../model/transformer.ts";
import { endStagePinsProblem } from "./pipeline.ts";

export interface Layout {
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  readonly dp: number;
  readonly ep: number;
  readonly microBatch: number;
  /** Interleaved pipeline chunks per stage; 1 is plain 1F1B. */
  readonly virtualStages: number;
  readonly recompute: Recompute;
  /** 0: replicated; 1: optimizer state sharded; 2: + gradients; 3: + weights (FSDP). */
  readonly zero: 0 | 1 | 2 | 3;
  readonly sequenceParallel: boolean;
  /** Layers on the first / last pipeline stage, when the user sets them (else the stack's partition). */
  readonly firstStageLayers?: number;
  readonly lastStageLayers?: number;
}

/** The fields the layout search chooses (the stage-end layer counts are only ever set by the user). */
export const SEARCHED_LAYOUT_FIELDS = [
  "tp",
  "pp",
  "cp",
  "dp",
  "ep",
  "microBatch",
  "virtualStages",
  "recompute",
  "zero",
  "sequenceParallel",
] as const satisfies readonly (keyof Layout)[];

export interface LayoutShape {
  readonly gpus: number;
  readonly sequenceLength: number;
  readonly globalBatchSequences: number;
}

/** Why a layout cannot run, as the field it concerns and a sentence; empty when it can. */
export interface LayoutViolation {
  readonly field: keyof Layout | "gpus" | "globalBatchSequences" | "sequenceLength";
  readonly message: string;
}

export function layoutViolations(model: ModelSpec, layout: Layout, shape: LayoutShape): LayoutViolation[] {
  const { tp, pp, cp, dp, ep, microBatch, virtualStages } = layout;
  const violations: LayoutViolation[] = [];
  const product = tp * pp * cp * dp;
  if (product !== shape.gpus) {
    violations.push({
      field: "gpus",
      message: `tp x pp x cp x dp = ${tp} x ${pp} x ${cp} x ${dp} = ${product}, but the cluster has ${shape.gpus} GPUs`,
    });
  }
  if (model.heads % tp !== 0) {
    violations.push({ field: "tp", message: `tp ${tp} does not divide the ${model.heads} attention heads` });
  }
  if (model.kvHeads % tp !== 0 && tp % model.kvHeads !== 0) {
    violations.push({
      field: "tp",
      message: `tp ${tp} and the ${model.kvHeads} key/value heads do not divide one another`,
    });
  }
  if (model.ffnHidden % tp !== 0) {
    violations.push({ field: "tp", message: `tp ${tp} does not divide the MLP width ${model.ffnHidden}` });
  }
  if (!model.moe && ep !== 1) {
    violations.push({
      field: "ep",
      message: `ep ${ep} needs a mixture-of-experts model; dense models use ep 1`,
    });
  }
  if (model.moe && model.moe.experts % ep !== 0) {
    violations.push({ field: "ep", message: `ep ${ep} does not divide the ${model.moe.experts} experts` });
  }
  if ((tp * cp * dp) % ep !== 0) {
    violations.push({
      field: "ep",
      message: `ep ${ep} does not divide the tp x cp x dp = ${tp * cp * dp} GPUs of a pipeline stage`,
    });
  }
  if (shape.sequenceLength % cp !== 0) {
    violations.push({
      field: "cp",
      message: `cp ${cp} does not divide the sequence length ${shape.sequenceLength}`,
    });
  }
  if (pp > model.layers) {
    violations.push({ field: "pp", message: `pp ${pp} exceeds the model's ${model.layers} layers` });
  }
  if (virtualStages > 1 && pp === 1) {
    violations.push({
      field: "virtualStages",
      message: "interleaved stages (virtualStages > 1) need pp > 1",
    });
  }
  // A pinned end stage may give one layer's slot to the embedding or the loss (Megatron's
  // account-for-embedding/loss-in-pipeline-split): 126 layers fill 16 x 8 chunks that way.
  const endSlots =
    (layout.firstStageLayers !== undefined ? 1 : 0) + (layout.lastStageLayers !== undefined ? 1 : 0);
  if (pp * virtualStages > model.layers + endSlots) {
    violations.push({
      field: "virtualStages",
      message: `pp x virtualStages = ${pp * virtualStages} model chunks exceed the ${model.layers} layers${endSlots > 0 ? ` (+${endSlots} for the pinned end stages)` : ""}`,
    });
  }
  const endStages = endStagePinsProblem(model.layers, pp, layout);
  if (endStages) {
    violations.push({
      field: layout.firstStageLayers !== undefined ? "firstStageLayers" : "lastStageLayers",
      message: endStages,
    });
  }
  const sequencesPerStep = dp * microBatch;
  const microbatches = shape.globalBatchSequences / sequencesPerStep;
  if (virtualStages > 1 && Number.isInteger(microbatches) && microbatches % pp !== 0) {
    violations.push({
      field: "virtualStages",
      message: `the interleaved schedule needs the ${microbatches} micro-batches per step to be a multiple of pp ${pp}`,
    });
  }
  if (shape.globalBatchSequences % sequencesPerStep !== 0) {
    violations.push({
      field: "globalBatchSequences",
      message: `global batch ${shape.globalBatchSequences} sequences is not a multiple of dp x microBatch = ${dp} x ${microBatch} = ${sequencesPerStep}`,
    });
  }
  return violations;
}

export function assertLayoutWorks(model: ModelSpec, layout: Layout, shape: LayoutShape): void {
  const violations = layoutViolations(model, layout, shape);
  if (violations.length > 0) {
    throw new InfeasibleError(
      `the layout cannot run:\n${violations.map((v) => `  - layout.${v.field}: ${v.message}`).join("\n")}`,
    );
  }
}

/**
 * Parameters a GPU of a stage holds: its 1/tp share of the dense weights (the end stages add the
 * embedding and output layer) and its 1/ep share of the routed experts.
 */
export function stageParameterCount(
  model: ModelSpec,
  layout: Layout,
  stage: number,
  layersOnStage: number,
): number {
  const counts = parameterCounts(model);
  let dense = layersOnStage * (counts.perLayer - counts.expertPerLayer);
  if (stage === 0) dense += counts.embedding;
  if (stage === layout.pp - 1) {
    // With pp > 1 a tied output layer still needs its own copy of the embedding on the last stage.
    const output = model.tiedEmbeddings ? (layout.pp > 1 ? counts.embedding : 0) : counts.outputProjection;
    dense += output + counts.finalNorm;
  }
  return dense / layout.tp + stageExpertParameterCount(model, layout, layersOnStage);
}

/** The routed-expert part of stageParameterCount. */
export function stageExpertParameterCount(model: ModelSpec, layout: Layout, layersOnStage: number): number {
  return (layersOnStage * parameterCounts(model).expertPerLayer) / layout.ep;
}

/** Ranks holding the same routed experts: the stage's tp x cp x dp GPUs split ep ways. */
export function expertDataParallelSize(layout: Layout): number {
  return (layout.tp * layout.cp * layout.dp) / layout.ep;
}
