import { type GroupPlacement, type NetworkBackend, placeGroup } from "../fabric/network.ts";
import { stateBytesPerParameter } from "../model/precision.ts";
import { type LayerCost, layerCost, networkModel, outputLayerSeconds } from "./layer-cost.ts";
import { expertDataParallelSize, stageExpertParameterCount, stageParameterCount } from "./layout.ts";
import { pipelineBubbleSeconds, type StagePartition, stagePartition } from "./pipeline.ts";
import { microbatchesPerStep, type PlanInput, tokensPerMicrobatch } from "./plan-input.ts";

/**
 * The terms a step's time adds up from, in report order: the one list behind the breakdown, the
 * search's "loses by" and the glossary (report/glossary.ts must have an entry for each).
 */
export const STEP_COMPONENTS = [
  "matmul",
  "attention",
  "elementwise",
  "recompute",
  "outputLayer",
  "tensorParallelComm",
  "contextParallelComm",
  "expertParallelComm",
  "pipelineComm",
  "pipelineBubble",
  "dataParallelComm",
  "optimizer",
  // Host (CPU) time the GPU waits for: kernels issued slower than they run.
  "host",
  "overhead",
] as const;

export type StepComponent = (typeof STEP_COMPONENTS)[number];

/** Seconds per step by term; the terms add up to `total`. */
export type StepBreakdown = { readonly [term in StepComponent | "total"]: number };

export interface StepEstimate {
  readonly seconds: number;
  readonly breakdown: StepBreakdown;
  /** Mean seconds one micro-batch takes on a pipeline stage (forward + backward). */
  readonly averageStageSeconds: number;
  readonly bottleneckStage: number;
  readonly microbatches: number;
  readonly partition: StagePartition;
}

/** The stack's cut of the layers into stages for this layer and output-layer cost. */
export function partitionFor(input: PlanInput, layer: LayerCost, output: number): StagePartition {
  const layerSeconds = layer.forward + layer.backward;
  return stagePartition(
    input.model.layers,
    input.layout.pp,
    input.cluster.stack.pipelinePartition,
    layerSeconds > 0 ? output / layerSeconds : 0,
    input.layout,
  );
}

/**
 * Exposed time of `commSeconds` of bucketed traffic overlapped with `windowSeconds` of compute that
 * produces (or consumes) the buckets in order: the comm stream runs bucket by bucket, so the first (or
 * last) bucket can never hide, and a stream slower than the compute spills past the window. Hidden
 * communication still taxes the compute it shares SMs and HBM with.
 */
export function exposedBucketedSeconds(
  commSeconds: number,
  windowSeconds: number,
  buckets: number,
  overlapped: boolean,
  tax: number,
): number {
  if (commSeconds <= 0) return 0;
  if (!overlapped || windowSeconds <= 0) return commSeconds;
  const n = Math.max(1, buckets);
  const exposed = Math.min(
    commSeconds,
    Math.max(commSeconds / n, commSeconds + windowSeconds / n - windowSeconds),
  );
  return exposed + tax * (commSeconds - exposed);
}

interface Reduction {
  /** Seconds of all of one step's gradient reduction (reduce-scatter or all-reduce). */
  readonly reduce: number;
  /** Seconds of the weight all-gather after the optimizer (ZeRO 1/2), or of one full gather (ZeRO 3). */
  readonly gather: number;
  readonly buckets: number;
  /** Parameters whose optimizer state this GPU updates. */
  readonly optimizerShard: number;
}

/** Gradient reduction and weight gathering for `parameters` replicated over `group`, in buckets. */
function reduction(
  parameters: number,
  layers: number,
  group: GroupPlacement,
  input: PlanInput,
  net: NetworkBackend,
): Reduction {
  const { layout, training, cluster } = input;
  if (parameters <= 0 || group.size <= 1) {
    return { reduce: 0, gather: 0, buckets: 1, optimizerShard: parameters };
  }
  const { stack } = cluster;
  // ZeRO-3 and FSDP-style stacks move one layer at a time; the others fill buckets of fixed size.
  const perLayer = stack.bucketElements === 0 || layout.zero === 3;
  const bucketElements = perLayer
    ? parameters / Math.max(1, layers)
    : Math.max(stack.bucketElements, stack.bucketElementsPerRank * group.size);
  const buckets = Math.max(1, parameters / bucketElements);
  const perBucket = parameters / buckets;
  const gradBytes = perBucket * stack.gradReduceBytes;
  const weightBytes =
    perBucket * Math.min(stateBytesPerParameter(training.recipe, training.precision).weights, 2);
  if (layout.zero === 0) {
    return {
      reduce: buckets * net.collectiveSeconds("all-reduce", gradBytes, group),
      gather: 0,
      buckets,
      optimizerShard: parameters,
    };
  }
  return {
    reduce: buckets * net.collectiveSeconds("reduce-scatter", gradBytes, group),
    gather: buckets * net.collectiveSeconds("all-gather", weightBytes, group),
    buckets,
    optimizerShard: parameters / group.size,
  };
}

/** The step built from one layer's cost and the output layer's; the search reuses both across layouts. */
export function stepTimeFrom(
  input: PlanInput,
  net: NetworkBackend,
  layer: LayerCost,
  output: number,
  partition: StagePartition = partitionFor(input, layer, output),
): StepEstimate {
  const { model, layout, training, cluster } = input;
  const { accelerator, stack } = cluster;
  const microbatches = microbatchesPerStep(input);

  // Pipeline point-to-point: activations cross each stage boundary forward and back, once per chunk.
  // Each TP rank sends only its 1/tp slice (Megatron's scatter/gather optimisation, with or without SP).
  const p2pBytes = (tokensPerMicrobatch(input) * model.hidden * 2) / layout.tp;
  const pipelineStride = layout.tp * layout.cp * layout.dp;
  const p2pTraffic =
    layout.pp > 1 ? 2 * layout.virtualStages * net.pointToPointSeconds(p2pBytes, pipelineStride) : 0;
  // Interleaved Megatron and DualPipe post sends and receives ahead; plain 1F1B waits on each.
  const p2pHidden =
    stack.pipelineCommOverlap && (layout.virtualStages > 1 || stack.pipelineSchedule === "dualpipe");
  const p2p = p2pHidden ? stack.overlapComputeTax * p2pTraffic : p2pTraffic;

  // The slowest stage sets the pace: the first, the fullest middle one, or the last with the output layer.
  const layerSeconds = layer.forward + layer.backward;
  let bottleneckStage = 0;
  let bottleneckLayers = partition.first;
  let bottleneckSeconds = partition.first * layerSeconds + (layout.pp === 1 ? output : 0);
  if (layout.pp > 2 && partition.middleMax * layerSeconds > bottleneckSeconds) {
    bottleneckStage = 1;
    bottleneckLayers = partition.middleMax;
    bottleneckSeconds = partition.middleMax * layerSeconds;
  }
  if (layout.pp > 1 && partition.last * layerSeconds + output > bottleneckSeconds) {
    bottleneckStage = layout.pp - 1;
    bottleneckLayers = partition.last;
    bottleneckSeconds = partition.last * layerSeconds + output;
  }
  const averageStageSeconds = (model.layers * layerSeconds + output) / layout.pp + p2p;
  const forwardShare = layerSeconds > 0 ? layer.forward / layerSeconds : 1 / 3;
  const pipelineBubble = pipelineBubbleSeconds(
    stack.pipelineSchedule,
    layout.pp,
    layout.virtualStages,
    averageStageSeconds * forwardShare,
    averageStageSeconds * (1 - forwardShare),
  );

  // Data parallel: gradients reduced and weights gathered over the ranks that hold the same weights —
  // dp x cp for dense weights, the expert-data-parallel group for routed experts.
  const stageParameters = stageParameterCount(model, layout, bottleneckStage, bottleneckLayers);
  const expertParameters = stageExpertParameterCount(model, layout, bottleneckLayers);
  const state = stateBytesPerParameter(training.recipe, training.precision);
  const microbatchForward = bottleneckLayers * layer.forward;
  const microbatchBackward = bottleneckLayers * layer.backward;
  // A model chunk's gradients are final after its last micro-batch: under interleaving the chunks
  // finish one by one through the cool-down (and start through the warm-up), so DP traffic overlaps
  // up to pp micro-batches of compute instead of one.
  const dpWindowMicrobatches = layout.virtualStages > 1 ? Math.min(microbatches, layout.pp) : 1;
  const domain = accelerator.scaleUpDomainGpus;
  const dense = reduction(
    stageParameters - expertParameters,
    bottleneckLayers,
    placeGroup(layout.dp * layout.cp, layout.tp, domain),
    input,
    net,
  );
  const experts = reduction(
    expertParameters,
    bottleneckLayers,
    placeGroup(expertDataParallelSize(layout), layout.ep, domain),
    input,
    net,
  );
  const tax = stack.overlapComputeTax;
  let dataParallelComm: number;
  if (layout.zero <= 2) {
    // Gradients go out bucket by bucket during the last micro-batch's backward; ZeRO 1/2 gathers the
    // updated weights during the next forward.
    const overlapReduce = stack.gradReduceOverlap;
    const backwardWindow = dpWindowMicrobatches * microbatchBackward;
    const forwardWindow = dpWindowMicrobatches * microbatchForward;
    dataParallelComm =
      exposedBucketedSeconds(dense.reduce, backwardWindow, dense.buckets, overlapReduce, tax) +
      exposedBucketedSeconds(experts.reduce, backwardWindow, experts.buckets, overlapReduce, tax) +
      exposedBucketedSeconds(dense.gather, forwardWindow, dense.buckets, stack.paramGatherOverlap, tax) +
      exposedBucketedSeconds(experts.gather, forwardWindow, experts.buckets, stack.paramGatherOverlap, tax);
  } else {
    // FSDP / ZeRO-3: weights gathered layer by layer for every forward and backward, gradients scattered
    // every micro-batch; prefetching hides a layer's gather behind the previous layer's compute.
    const prefetch = stack.zero3PrefetchLayers > 0;
    const gather = dense.gather + experts.gather;
    const reduce = dense.reduce + experts.reduce;
    const layers = Math.max(1, bottleneckLayers);
    const forward = exposedBucketedSeconds(gather, microbatchForward, layers, prefetch, tax);
    const backward = exposedBucketedSeconds(gather + reduce, microbatchBackward, layers, prefetch, tax);
    dataParallelComm = microbatches * (forward + backward);
  }

  // Adam over this GPU's optimizer shard; grad-norm clipping reads every local gradient.
  const optimizerShard = dense.optimizerShard + experts.optimizerShard;
  const optimizerBytes = optimizerShard * state.optimizerStepBytes + stageParameters * state.gradients;
  const optimizer =
    optimizerBytes / (accelerator.hbmBytesPerSecond * cluster.hardware.optimizerBandwidthFraction);

  // The host issues kernels asynchronously: the GPU waits only when a micro-batch's kernels take less
  // time to run than to launch (small models, small micro-batches, eager stacks).
  const microbatchGpu = bottleneckSeconds;
  const microbatchHost =
    3 * bottleneckLayers * stack.kernelsPerLayerForward * stack.hostSecondsPerKernel +
    stack.hostSecondsPerMicrobatch;
  const host = microbatches * Math.max(0, microbatchHost - microbatchGpu);

  const steady = microbatches * bottleneckLayers;
  const hasOutput = bottleneckStage === layout.pp - 1;
  const breakdown = {
    matmul: steady * layer.matmul,
    attention: steady * layer.attention,
    elementwise: steady * layer.elementwise,
    recompute: steady * layer.recompute,
    outputLayer: hasOutput ? microbatches * output : 0,
    tensorParallelComm: steady * layer.tensorParallelComm,
    contextParallelComm: steady * layer.contextParallelComm,
    expertParallelComm: steady * layer.expertParallelComm,
    pipelineComm: microbatches * p2p,
    pipelineBubble,
    dataParallelComm,
    optimizer,
    host,
    overhead: stack.stepOverheadSeconds,
    total: 0,
  };
  // Written out, not a loop over STEP_COMPONENTS: this runs for every feasible layout the search
  // prices, and the loop cost a fifth of the search's speed. The tests check the total is the sum.
  breakdown.total =
    breakdown.matmul +
    breakdown.attention +
    breakdown.elementwise +
    breakdown.recompute +
    breakdown.outputLayer +
    breakdown.tensorParallelComm +
    breakdown.contextParallelComm +
    breakdown.expertParallelComm +
    breakdown.pipelineComm +
    breakdown.pipelineBubble +
    breakdown.dataParallelComm +
    breakdown.optimizer +
    breakdown.host +
    breakdown.overhead;
  return {
    seconds: breakdown.total,
    breakdown,
    averageStageSeconds,
    bottleneckStage,
    microbatches,
    partition,
  };
}

export function stepTime(input: PlanInput): StepEstimate {
  const net = networkModel(input);
  return stepTimeFrom(input, net, layerCost(input, net), outputLayerSeconds(input));
}
