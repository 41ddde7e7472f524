import { type GroupPlacement, type NetworkBackend, placeGroup } from "../fabric/network.ts";
import { stateBytesPerParameter } from "../model/precision.ts";
import { type LayerCost, layerCost, networkModel, outputLayerSeconds } from "./layer-cost.ts";
import {
  expertDataParallelSize,
  type Layout,
  stageExpertParameterCount,
  stageParameterCount,
} from "./layout.ts";
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
  zero: Layout["zero"],
  input: PlanInput,
  net: NetworkBackend,
): Reduction {
  const { training, cluster } = input;
  if (parameters <= 0 || group.size <= 1) {
    return { reduce: 0, gather: 0, buckets: 1, optimizerShard: parameters };
  }
  const { stack } = cluster;
  // ZeRO-3 and FSDP-style stacks move one layer at a time; the others fill buckets of fixed size.
  const perLayer = stack.bucketElements === 0 || zero === 3;
  const bucketElements = perLayer
    ? parameters / Math.max(1, layers)
    : Math.max(stack.bucketElements, stack.bucketElementsPerRank * group.size);
  const buckets = Math.max(1, parameters / bucketElements);
  const perBucket = parameters / buckets;
  const gradBytes = perBucket * stack.gradReduceBytes;
  const weightBytes =
    perBucket * Math.min(stateBytesPerParameter(training.recipe, training.precision).weights, 2);
  if (zero === 0) {
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

/** ZeRO stages whose reductions coincide share them: all-reduce (0), sharded (1, 2), sharded per layer (3). */
const zeroClass = (zero: number): number => (zero === 0 ? 0 : zero === 3 ? 2 : 1);

/**
 * A step's parts apart from its ZeRO stage, interleaving depth and batch: one (tp, cp, ep, micro-batch,
 * SP, recompute, pp) combination fixes them, so the search builds this once per pipeline depth and
 * prices every ZeRO stage, depth and batch from it with plain arithmetic.
 */
export interface DepthCost {
  readonly input: PlanInput;
  readonly net: NetworkBackend;
  readonly layer: LayerCost;
  readonly output: number;
  /** Point-to-point seconds of one model chunk's forward and backward boundary crossings. */
  readonly p2pPerChunk: number;
  readonly bottleneckStage: number;
  readonly bottleneckLayers: number;
  /** One micro-batch's compute on the bottleneck stage. */
  readonly bottleneckSeconds: number;
  /** One micro-batch's compute averaged over the stages, before pipeline traffic. */
  readonly averageComputeSeconds: number;
  readonly forwardShare: number;
  readonly stageParameters: number;
  /** The dense and routed-expert weights' reductions, built for each ZeRO class when first asked. */
  readonly reductions: [Reduction, Reduction][];
  /** Host seconds to issue one micro-batch on the bottleneck stage. */
  readonly microbatchHost: number;
  /** One micro-batch's layer terms on the bottleneck stage, and the output layer when it holds it. */
  readonly microbatchLayerSeconds: number;
}

export function depthCost(
  input: PlanInput,
  net: NetworkBackend,
  layer: LayerCost,
  output: number,
  partition: StagePartition = partitionFor(input, layer, output),
): DepthCost {
  const { model, layout, cluster } = input;
  const { stack } = cluster;
  // Pipeline point-to-point: activations cross each stage boundary forward and back, once per chunk.
  // Each TP rank sends only its 1/tp slice (Megatron's scatter/gather optimisation, with or without SP).
  const p2pBytes = (tokensPerMicrobatch(input) * model.hidden * 2) / layout.tp;
  const pipelineStride = layout.tp * layout.cp * layout.dp;
  const p2pPerChunk = layout.pp > 1 ? 2 * net.pointToPointSeconds(p2pBytes, pipelineStride) : 0;

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
  const hasOutput = bottleneckStage === layout.pp - 1;
  return {
    input,
    net,
    layer,
    output,
    p2pPerChunk,
    bottleneckStage,
    bottleneckLayers,
    bottleneckSeconds,
    averageComputeSeconds: (model.layers * layerSeconds + output) / layout.pp,
    forwardShare: layerSeconds > 0 ? layer.forward / layerSeconds : 1 / 3,
    stageParameters: stageParameterCount(model, layout, bottleneckStage, bottleneckLayers),
    reductions: [],
    microbatchHost:
      3 * bottleneckLayers * stack.kernelsPerLayerForward * stack.hostSecondsPerKernel +
      stack.hostSecondsPerMicrobatch,
    microbatchLayerSeconds:
      bottleneckLayers *
        (layer.matmul +
          layer.attention +
          layer.elementwise +
          layer.recompute +
          layer.tensorParallelComm +
          layer.contextParallelComm +
          layer.expertParallelComm) +
      (hasOutput ? output : 0),
  };
}

/** The dense and expert reductions of the bottleneck stage for a ZeRO stage, built once per class. */
function reductionsFor(c: DepthCost, zero: Layout["zero"]): [Reduction, Reduction] {
  const index = zeroClass(zero);
  const cached = c.reductions[index];
  if (cached) return cached;
  const { input } = c;
  const { model, layout, cluster } = input;
  const expertParameters = stageExpertParameterCount(model, layout, c.bottleneckLayers);
  const domain = cluster.accelerator.scaleUpDomainGpus;
  // Data parallel: gradients reduced and weights gathered over the ranks that hold the same weights —
  // dp x cp for dense weights, the expert-data-parallel group for routed experts.
  const pair: [Reduction, Reduction] = [
    reduction(
      c.stageParameters - expertParameters,
      c.bottleneckLayers,
      placeGroup(layout.dp * layout.cp, layout.tp, domain),
      zero,
      input,
      c.net,
    ),
    reduction(
      expertParameters,
      c.bottleneckLayers,
      placeGroup(expertDataParallelSize(layout), layout.ep, domain),
      zero,
      input,
      c.net,
    ),
  ];
  c.reductions[index] = pair;
  return pair;
}

/** Pipeline send/receive time a micro-batch adds to a stage at this interleaving depth. */
function pipelineSendSeconds(c: DepthCost, virtualStages: number): number {
  const { stack } = c.input.cluster;
  const traffic = virtualStages * c.p2pPerChunk;
  // Interleaved Megatron and DualPipe post sends and receives ahead; plain 1F1B waits on each.
  const hidden = stack.pipelineCommOverlap && (virtualStages > 1 || stack.pipelineSchedule === "dualpipe");
  return hidden ? stack.overlapComputeTax * traffic : traffic;
}

/** A breakdown being filled in. */
type StepTerms = { -readonly [term in keyof StepBreakdown]: number };

/**
 * The step's seconds at this ZeRO stage, interleaving depth and global batch (sequences); `terms`, when
 * given, receives the breakdown. Runs for every layout the search prices: plain numbers, no allocation.
 */
export function stepSecondsAt(
  c: DepthCost,
  zero: Layout["zero"],
  virtualStages: number,
  batchSequences: number,
  terms?: StepTerms,
): number {
  const { input, layer, bottleneckLayers, bottleneckSeconds } = c;
  const { layout, cluster } = input;
  const { accelerator, stack } = cluster;
  const microbatches = batchSequences / (layout.dp * layout.microBatch);

  const p2p = pipelineSendSeconds(c, virtualStages);
  const averageStageSeconds = c.averageComputeSeconds + p2p;
  const pipelineBubble = pipelineBubbleSeconds(
    stack.pipelineSchedule,
    layout.pp,
    virtualStages,
    averageStageSeconds * c.forwardShare,
    averageStageSeconds * (1 - c.forwardShare),
  );

  const [dense, experts] = reductionsFor(c, zero);
  const state = stateBytesPerParameter(input.training.recipe, input.training.precision);
  const microbatchForward = bottleneckLayers * layer.forward;
  const microbatchBackward = bottleneckLayers * layer.backward;
  const tax = stack.overlapComputeTax;
  let dataParallelComm: number;
  if (zero <= 2) {
    // Gradients go out bucket by bucket during the last micro-batch's backward; ZeRO 1/2 gathers the
    // updated weights during the next forward. A model chunk's gradients are final after its last
    // micro-batch: under interleaving the chunks finish one by one through the cool-down (and start
    // through the warm-up), so DP traffic overlaps up to pp micro-batches of compute instead of one.
    const window = virtualStages > 1 ? Math.min(microbatches, layout.pp) : 1;
    const overlapReduce = stack.gradReduceOverlap;
    const backwardWindow = window * microbatchBackward;
    const forwardWindow = window * microbatchForward;
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
    // FSDP2 copies each gathered buffer out to the parameters' tensors on the compute stream: a read
    // and a write of the gathered weights, for the forward's gather and the backward's.
    const copyOut = stack.zero3CopyOut
      ? (2 * 2 * c.stageParameters * Math.min(state.weights, 2)) /
        (accelerator.hbmBytesPerSecond * cluster.hardware.elementwiseBandwidthFraction)
      : 0;
    dataParallelComm = microbatches * (forward + backward + copyOut);
  }

  // Adam over this GPU's optimizer shard; grad-norm clipping reads every local gradient.
  const optimizerShard = dense.optimizerShard + experts.optimizerShard;
  const optimizerBytes = optimizerShard * state.optimizerStepBytes + c.stageParameters * state.gradients;
  const optimizer =
    optimizerBytes / (accelerator.hbmBytesPerSecond * cluster.hardware.optimizerBandwidthFraction);

  // The host issues kernels asynchronously: the GPU waits only when a micro-batch's kernels take less
  // time to run than to launch (small models, small micro-batches, eager stacks).
  const host = microbatches * Math.max(0, c.microbatchHost - bottleneckSeconds);

  const steady = microbatches * bottleneckLayers;
  const matmul = steady * layer.matmul;
  const attention = steady * layer.attention;
  const elementwise = steady * layer.elementwise;
  const recompute = steady * layer.recompute;
  const outputLayer = c.bottleneckStage === layout.pp - 1 ? microbatches * c.output : 0;
  const tensorParallelComm = steady * layer.tensorParallelComm;
  const contextParallelComm = steady * layer.contextParallelComm;
  const expertParallelComm = steady * layer.expertParallelComm;
  const pipelineComm = microbatches * p2p;
  const overhead = stack.stepOverheadSeconds;
  // Written out, not a loop over STEP_COMPONENTS: this runs for every feasible layout the search
  // prices. The tests check the total is the sum of the breakdown.
  const total =
    matmul +
    attention +
    elementwise +
    recompute +
    outputLayer +
    tensorParallelComm +
    contextParallelComm +
    expertParallelComm +
    pipelineComm +
    pipelineBubble +
    dataParallelComm +
    optimizer +
    host +
    overhead;
  if (terms) {
    terms.matmul = matmul;
    terms.attention = attention;
    terms.elementwise = elementwise;
    terms.recompute = recompute;
    terms.outputLayer = outputLayer;
    terms.tensorParallelComm = tensorParallelComm;
    terms.contextParallelComm = contextParallelComm;
    terms.expertParallelComm = expertParallelComm;
    terms.pipelineComm = pipelineComm;
    terms.pipelineBubble = pipelineBubble;
    terms.dataParallelComm = dataParallelComm;
    terms.optimizer = optimizer;
    terms.host = host;
    terms.overhead = overhead;
    terms.total = total;
  }
  return total;
}

/**
 * A lower bound on seconds per token at this pipeline depth, whatever the ZeRO stage, interleaving and
 * batch: the bottleneck stage's layer and output-layer terms alone (every other term is non-negative).
 * The search skips a depth whose bound already loses to its current top list.
 */
export function secondsPerTokenFloor(c: DepthCost): number {
  const { layout, training } = c.input;
  return c.microbatchLayerSeconds / (layout.dp * layout.microBatch * training.sequenceLength);
}

/** The step built from one layer's cost and the output layer's. */
export function stepTimeFrom(
  input: PlanInput,
  net: NetworkBackend,
  layer: LayerCost,
  output: number,
  partition: StagePartition = partitionFor(input, layer, output),
): StepEstimate {
  const { layout, training } = input;
  const c = depthCost(input, net, layer, output, partition);
  const terms = {} as StepTerms;
  const seconds = stepSecondsAt(c, layout.zero, layout.virtualStages, training.globalBatchSequences, terms);
  return {
    seconds,
    breakdown: terms,
    averageStageSeconds: c.averageComputeSeconds + pipelineSendSeconds(c, layout.virtualStages),
    bottleneckStage: c.bottleneckStage,
    microbatches: microbatchesPerStep(input),
    partition,
  };
}

export function stepTime(input: PlanInput): StepEstimate {
  const net = networkModel(input);
  return stepTimeFrom(input, net, layerCost(input, net), outputLayerSeconds(input));
}
