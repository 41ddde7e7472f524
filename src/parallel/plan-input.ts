import type { Accelerator } from "../catalog/accelerators.ts";
import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";
import type { SoftwareStack } from "../catalog/stacks.ts";
import type { FabricSize } from "../fabric/clos.ts";
import type { Precision, Recipe } from "../model/precision.ts";
import type { AttentionFlopConvention, ModelSpec } from "../model/transformer.ts";
import type { Layout } from "./layout.ts";

export interface TrainingSetup {
  readonly sequenceLength: number;
  readonly globalBatchSequences: number;
  /** Token budget; gives the time to train when present. */
  readonly tokens: number | undefined;
  readonly precision: Precision;
  readonly recipe: Recipe;
  /** How model FLOPs count attention when reporting TFLOP/s and MFU. */
  readonly attentionFlops: AttentionFlopConvention;
}

export interface ClusterSetup {
  readonly accelerator: Accelerator;
  readonly gpus: number;
  /** The software stack: overlaps, fusions, schedules, host cost and memory habits. */
  readonly stack: SoftwareStack;
  /** What the accelerator's generation achieves (kernel curves, bandwidths, network constants). */
  readonly hardware: HardwareCalibration;
  /** The scale-out fabric from a build-out: oversubscribed tiers slow collectives that cross them. */
  readonly fabric?: Pick<FabricSize, "distances"> & { readonly switchLatencySeconds: number };
}

export interface PlanInput {
  readonly model: ModelSpec;
  readonly training: TrainingSetup;
  readonly cluster: ClusterSetup;
  readonly layout: Layout;
}

/** Micro-batches each data-parallel rank runs per step (gradient accumulation). */
export function microbatchesPerStep(input: PlanInput): number {
  const { layout, training } = input;
  return training.globalBatchSequences / (layout.dp * layout.microBatch);
}

/** Tokens one GPU holds per micro-batch, after context parallelism splits the sequence. */
export function tokensPerMicrobatch(input: PlanInput): number {
  return (input.layout.microBatch * input.training.sequenceLength) / input.layout.cp;
}
