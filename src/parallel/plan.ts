import { flopsPerToken, hardwareFlopsPerToken, parameterCounts } from "../model/transformer.ts";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../units.ts";
import { layerCost, networkModel, outputLayerSeconds } from "./layer-cost.ts";
import { assertLayoutWorks, type Layout } from "./layout.ts";
import { type MemoryBreakdown, type MemoryVerdict, memoryPerGpu, memoryVerdict } from "./memory.ts";
import type { StagePartition } from "./pipeline.ts";
import type { PlanInput } from "./plan-input.ts";
import { depthCost, partitionFor, type StepBreakdown, stepSecondsAt, stepTimeFrom } from "./step-time.ts";

export interface PlanResult {
  readonly layout: Layout;
  readonly model: { readonly name: string; readonly parameters: number; readonly activeParameters: number };
  readonly memory: {
    readonly perGpuBytes: MemoryBreakdown;
    readonly capacityBytes: number;
    /** True only for the verdict `fits`: a `tight` layout is likely to run out of memory. */
    readonly fits: boolean;
    /** `fits` below TIGHT_MEMORY_FRACTION of HBM, `tight` up to HBM, `does not fit` past it. */
    readonly verdict: MemoryVerdict;
    /** Total over HBM capacity. */
    readonly usedFraction: number;
    /** Pipeline stage whose footprint is reported (the largest). */
    readonly stage: number;
    readonly parametersPerGpu: number;
  };
  readonly step: {
    readonly seconds: number;
    readonly breakdown: StepBreakdown;
    readonly microbatches: number;
    readonly bottleneckStage: number;
    readonly tokens: number;
    /** Layers on the first, fullest middle and last pipeline stage. */
    readonly partition: StagePartition;
  };
  readonly throughput: {
    readonly tokensPerSecond: number;
    /** Model FLOPs (no recompute) per second per GPU, in TFLOP/s. */
    readonly tflopsPerGpu: number;
    /** Model FLOP/s over the dense BF16 peak. */
    readonly mfu: number;
    /** Hardware FLOP/s (with recompute) over the dense BF16 peak. */
    readonly hfu: number;
    readonly modelFlopsPerToken: number;
    readonly attentionFlops: "causal" | "full";
  };
  readonly training?: {
    readonly tokens: number;
    readonly steps: number;
    readonly days: number;
    readonly gpuHours: number;
  };
}

/**
 * planLayout's step seconds alone, without memory, FLOPs or the breakdown: what a fit needs when it
 * prices the same layouts thousands of times with different constants. The layout is taken as legal.
 */
export function stepSecondsOf(input: PlanInput): number {
  const { layout, training } = input;
  const net = networkModel(input);
  const layer = layerCost(input, net);
  const output = outputLayerSeconds(input);
  const depth = depthCost(input, net, layer, output);
  return stepSecondsAt(depth, layout.zero, layout.virtualStages, training.globalBatchSequences);
}

export function planLayout(input: PlanInput): PlanResult {
  const { model, training, cluster, layout } = input;
  assertLayoutWorks(model, layout, {
    gpus: cluster.gpus,
    sequenceLength: training.sequenceLength,
    globalBatchSequences: training.globalBatchSequences,
  });
  const net = networkModel(input);
  const layer = layerCost(input, net);
  const output = outputLayerSeconds(input);
  const partition = partitionFor(input, layer, output);
  const memory = memoryPerGpu(input, partition);
  const step = stepTimeFrom(input, net, layer, output, partition);
  const tokensPerStep = training.globalBatchSequences * training.sequenceLength;
  const tokensPerSecond = tokensPerStep / step.seconds;
  const modelFlopsPerToken = flopsPerToken(model, training.sequenceLength, training.attentionFlops).training;
  const hardwarePerToken = hardwareFlopsPerToken(
    model,
    training.sequenceLength,
    training.attentionFlops,
    layout.recompute,
  );
  const peak = cluster.accelerator.bf16DenseFlops;
  const modelFlopsPerGpu = (tokensPerSecond * modelFlopsPerToken) / cluster.gpus;
  const capacityBytes = cluster.accelerator.hbmBytes;
  const verdict = memoryVerdict(memory.perGpuBytes.total, capacityBytes);
  const result: PlanResult = {
    layout,
    model: {
      name: model.name,
      parameters: parameterCounts(model).total,
      activeParameters: parameterCounts(model).active,
    },
    memory: {
      perGpuBytes: memory.perGpuBytes,
      capacityBytes,
      fits: verdict === "fits",
      verdict,
      usedFraction: memory.perGpuBytes.total / capacityBytes,
      stage: memory.stage,
      parametersPerGpu: memory.parametersPerGpu,
    },
    step: {
      seconds: step.seconds,
      breakdown: step.breakdown,
      microbatches: step.microbatches,
      bottleneckStage: step.bottleneckStage,
      tokens: tokensPerStep,
      partition,
    },
    throughput: {
      tokensPerSecond,
      tflopsPerGpu: modelFlopsPerGpu / 1e12,
      mfu: modelFlopsPerGpu / peak,
      hfu: (tokensPerSecond * hardwarePerToken) / cluster.gpus / peak,
      modelFlopsPerToken,
      attentionFlops: training.attentionFlops,
    },
  };
  if (training.tokens === undefined) return result;
  const steps = Math.ceil(training.tokens / tokensPerStep);
  const seconds = steps * step.seconds;
  return {
    ...result,
    training: {
      tokens: training.tokens,
      steps,
      days: seconds / SECONDS_PER_DAY,
      gpuHours: (seconds * cluster.gpus) / SECONDS_PER_HOUR,
    },
  };
}
