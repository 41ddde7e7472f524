import { stateBytesPerParameter } from "../model/precision.ts";
import { attentionWidths } from "../model/transformer.ts";
import { gbpsToBytesPerSecond } from "../units.ts";
import {
  allGatherSeconds,
  allReduceSeconds,
  type NetworkModel,
  placeGroup,
  pointToPointSeconds,
} from "./collectives.ts";
import {
  batchedGemmSeconds,
  flashAttentionSeconds,
  type KernelDevice,
  linearSeconds,
  memoryBoundSeconds,
} from "./kernels.ts";
import { stageLayers, stageParameterCount } from "./layout.ts";
import { microbatchesPerStep, type PlanInput, tokensPerMicrobatch } from "./plan-input.ts";

/** Seconds per step by term; the terms add up to `total`. */
export interface StepBreakdown {
  readonly matmul: number;
  readonly attention: number;
  readonly elementwise: number;
  readonly recompute: number;
  readonly outputLayer: number;
  readonly tensorParallelComm: number;
  readonly contextParallelComm: number;
  readonly pipelineComm: number;
  readonly pipelineBubble: number;
  readonly dataParallelComm: number;
  readonly optimizer: number;
  readonly overhead: number;
  readonly total: number;
}

export interface StepEstimate {
  readonly seconds: number;
  readonly breakdown: StepBreakdown;
  /** Mean seconds one micro-batch takes on a pipeline stage (forward + backward). */
  readonly averageStageSeconds: number;
  readonly bottleneckStage: number;
  readonly microbatches: number;
}

/** One transformer layer, one micro-batch, forward and backward, on one GPU. */
export interface LayerCost {
  readonly matmul: number;
  readonly attention: number;
  readonly elementwise: number;
  readonly recompute: number;
  readonly tensorParallelComm: number;
  readonly contextParallelComm: number;
  readonly forward: number;
  readonly backward: number;
}

export function networkModel(input: PlanInput): NetworkModel {
  const { accelerator, stack } = input.cluster;
  return {
    scaleUpBytesPerSecond: accelerator.scaleUpBytesPerSecond * stack.scaleUpBusFraction,
    scaleOutBytesPerSecond: gbpsToBytesPerSecond(accelerator.scaleOutGbps) * stack.scaleOutBusFraction,
    scaleUpLatencySeconds: stack.scaleUpLatencySeconds,
    scaleOutLatencySeconds: stack.scaleOutLatencySeconds,
  };
}

/** GEMMs run at the training precision's rate; attention and everything else stay in BF16. */
function devices(input: PlanInput): { matmul: KernelDevice; bf16: KernelDevice } {
  const { accelerator, stack } = input.cluster;
  const bf16: KernelDevice = {
    peakFlops: accelerator.bf16DenseFlops,
    hbmBytesPerSecond: accelerator.hbmBytesPerSecond,
    stack,
  };
  const fp8 = input.training.precision === "fp8" && accelerator.fp8DenseFlops > 0;
  return { bf16, matmul: fp8 ? { ...bf16, peakFlops: accelerator.fp8DenseFlops } : bf16 };
}

/** Depends on the layout only through tp, cp, microBatch, sequenceParallel and recompute. */
export function layerCost(input: PlanInput, net: NetworkModel): LayerCost {
  const { model, layout, training, cluster } = input;
  const { accelerator, stack } = cluster;
  const t = layout.tp;
  const tokens = tokensPerMicrobatch(input);
  const device = devices(input);
  const widths = attentionWidths(model);
  const h = model.hidden;

  const qkv = linearSeconds(tokens, h, (widths.q + widths.kv) / t, device.matmul);
  const projection = linearSeconds(tokens, widths.q / t, h, device.matmul);
  const up = linearSeconds(tokens, h, ((model.gated ? 2 : 1) * model.ffnHidden) / t, device.matmul);
  const down = linearSeconds(tokens, model.ffnHidden / t, h, device.matmul);
  const matmulForward = qkv.forward + projection.forward + up.forward + down.forward;
  const matmulBackward = qkv.backward + projection.backward + up.backward + down.backward;

  // Attention scores and values. Local queries (tokens / micro-batch) attend to the whole sequence.
  const s = training.sequenceLength;
  const localSequence = s / layout.cp;
  const headsLocal = model.heads / t;
  const headDim = widths.q / model.heads;
  let attentionForward: number;
  let attentionBackward: number;
  let scoreBytes = 0;
  if (stack.attentionKernel === "flash") {
    // Causal kernels skip the masked half of the score matrix.
    const flops = (4 * layout.microBatch * localSequence * s * headsLocal * headDim) / 2;
    // A context-parallel ring runs one kernel per key/value chunk of s / cp, at that length's efficiency.
    const flash = flashAttentionSeconds(flops, localSequence, device.bf16);
    attentionForward = flash.forward;
    attentionBackward = flash.backward;
  } else {
    // Unfused: batched GEMMs over the full score matrix per head, then softmax and dropout in HBM.
    const batch = layout.microBatch * headsLocal;
    const scores = batchedGemmSeconds(batch, localSequence, headDim, s, device.bf16);
    const values = batchedGemmSeconds(batch, localSequence, s, headDim, device.bf16);
    attentionForward = scores + values;
    attentionBackward = 2 * attentionForward;
    scoreBytes = tokens * headsLocal * s * (model.dropout ? 9 : 4);
  }

  // Elementwise traffic per token: two norms, two residual adds, dropout masks, activation, rotary.
  const replicatedShare = layout.sequenceParallel ? 1 / t : 1;
  const hiddenBytes = (8 * h + 12 * h + (model.dropout ? 2 * h : 0)) * replicatedShare;
  const activationBytes = ((model.gated ? 6 : 4) * model.ffnHidden) / t;
  const rotaryBytes = model.dropout ? 0 : (4 * (widths.q + widths.kv / 2)) / t;
  const elementwiseForwardBytes = tokens * (hiddenBytes + activationBytes + rotaryBytes) + scoreBytes;
  const elementwiseForward = memoryBoundSeconds(elementwiseForwardBytes, device.bf16);
  const elementwise = 3 * elementwiseForward;

  // Tensor parallel: with sequence parallelism 2 all-gathers + 2 reduce-scatters each way, otherwise
  // 2 all-reduces each way; the same volume either way.
  const tpGroup = placeGroup(t, 1, accelerator.scaleUpDomainGpus);
  const activationTensorBytes = tokens * h * 2;
  const tpOneDirection = layout.sequenceParallel
    ? 4 * allGatherSeconds(activationTensorBytes, tpGroup, net)
    : 2 * allReduceSeconds(activationTensorBytes, tpGroup, net);
  const tpForward = tpOneDirection * (1 - stack.tpOverlapFraction);
  const tensorParallelComm = 2 * tpForward;

  // Context parallel ring: cp - 1 exchanges of the local K and V, hidden behind the attention blocks.
  let cpForward = 0;
  let cpBackward = 0;
  if (layout.cp > 1) {
    const cpGroup = placeGroup(layout.cp, t, accelerator.scaleUpDomainGpus);
    const kvBytes = (tokens * widths.kv * 2) / t;
    const hop = pointToPointSeconds(kvBytes, cpGroup.perDomain < layout.cp, net);
    cpForward = Math.max(0, (layout.cp - 1) * hop - attentionForward);
    cpBackward = Math.max(0, 2 * (layout.cp - 1) * hop - attentionBackward);
  }

  const forward = matmulForward + attentionForward + elementwiseForward + tpForward + cpForward;
  let recompute = 0;
  if (layout.recompute === "full") recompute = forward;
  else if (layout.recompute === "selective") recompute = attentionForward;
  const backward =
    matmulBackward + attentionBackward + 2 * elementwiseForward + tpForward + cpBackward + recompute;
  return {
    matmul: matmulForward + matmulBackward,
    attention: attentionForward + attentionBackward,
    elementwise,
    recompute,
    tensorParallelComm,
    contextParallelComm: cpForward + cpBackward,
    forward,
    backward,
  };
}

/** Output projection, fp32 logits and cross-entropy on the last stage, per micro-batch. */
export function outputLayerSeconds(input: PlanInput): number {
  const { model, layout } = input;
  const tokens = tokensPerMicrobatch(input);
  const device = devices(input);
  const logits = linearSeconds(tokens, model.hidden, model.vocab / layout.tp, device.matmul);
  // Softmax cross-entropy reads and writes the fp32 logits about three times forward and backward.
  const lossBytes = (tokens * model.vocab * 4 * 6) / layout.tp;
  const loss = memoryBoundSeconds(lossBytes, device.bf16);
  return logits.forward + logits.backward + loss;
}

/** The step built from one layer's cost and the output layer's; the search reuses both across layouts. */
export function stepTimeFrom(
  input: PlanInput,
  net: NetworkModel,
  layer: LayerCost,
  output: number,
): StepEstimate {
  const { model, layout, training, cluster } = input;
  const { accelerator, stack } = cluster;
  const microbatches = microbatchesPerStep(input);
  const stages = stageLayers(model.layers, layout.pp);

  // Pipeline point-to-point: activations cross each stage boundary forward and back, once per chunk.
  // Each TP rank sends only its 1/tp slice (Megatron's scatter/gather optimisation, with or without SP).
  const p2pBytes = (tokensPerMicrobatch(input) * model.hidden * 2) / layout.tp;
  const pipelineStride = layout.tp * layout.cp * layout.dp;
  const p2p =
    layout.pp > 1
      ? 2 *
        layout.virtualStages *
        pointToPointSeconds(p2pBytes, pipelineStride >= accelerator.scaleUpDomainGpus, net)
      : 0;

  // The slowest stage sets the pace: the first, the fullest middle one, or the last with the output layer.
  const layerSeconds = layer.forward + layer.backward;
  let bottleneckStage = 0;
  let bottleneckLayers = stages.first;
  let bottleneckSeconds = stages.first * layerSeconds + (layout.pp === 1 ? output : 0);
  if (layout.pp > 2 && stages.middleMax * layerSeconds > bottleneckSeconds) {
    bottleneckStage = 1;
    bottleneckLayers = stages.middleMax;
    bottleneckSeconds = stages.middleMax * layerSeconds;
  }
  if (layout.pp > 1 && stages.last * layerSeconds + output > bottleneckSeconds) {
    bottleneckStage = layout.pp - 1;
    bottleneckLayers = stages.last;
    bottleneckSeconds = stages.last * layerSeconds + output;
  }
  const averageStageSeconds = (model.layers * layerSeconds + output) / layout.pp + p2p;
  const pipelineBubble = layout.pp > 1 ? ((layout.pp - 1) / layout.virtualStages) * averageStageSeconds : 0;

  // Data parallel (over dp x cp, which hold the same weights): gradients reduced, weights gathered.
  const stageParameters = stageParameterCount(model, layout, bottleneckStage, bottleneckLayers);
  const dpGroup = placeGroup(layout.dp * layout.cp, layout.tp, accelerator.scaleUpDomainGpus);
  const state = stateBytesPerParameter(training.recipe, training.precision);
  const gradBytes = stageParameters * stack.gradReduceBytes;
  const weightBytes = stageParameters * Math.min(state.weights, 2);
  const microbatchForward = bottleneckLayers * layer.forward;
  const microbatchBackward = bottleneckLayers * layer.backward;
  let dataParallelComm: number;
  if (layout.zero === 0) {
    dataParallelComm = Math.max(
      0,
      allReduceSeconds(gradBytes, dpGroup, net) - stack.dpOverlapFraction * microbatchBackward,
    );
  } else if (layout.zero <= 2) {
    const reduceScatter = allGatherSeconds(gradBytes, dpGroup, net);
    const gather = allGatherSeconds(weightBytes, dpGroup, net);
    dataParallelComm =
      Math.max(0, reduceScatter - stack.dpOverlapFraction * microbatchBackward) +
      Math.max(0, gather - stack.dpOverlapFraction * microbatchForward);
  } else {
    // FSDP / ZeRO-3: weights gathered for every forward and backward, gradients scattered every micro-batch.
    const perMicrobatch =
      2 * allGatherSeconds(weightBytes, dpGroup, net) + allGatherSeconds(gradBytes, dpGroup, net);
    dataParallelComm =
      microbatches *
      Math.max(0, perMicrobatch - stack.dpOverlapFraction * (microbatchForward + microbatchBackward));
  }

  // Adam over this GPU's optimizer shard; grad-norm clipping reads every local gradient.
  const optimizerShard = layout.zero >= 1 ? stageParameters / (layout.dp * layout.cp) : stageParameters;
  const optimizerBytes = optimizerShard * state.optimizerStepBytes + stageParameters * state.gradients;
  const optimizer = optimizerBytes / (accelerator.hbmBytesPerSecond * stack.optimizerBandwidthFraction);

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
    pipelineComm: microbatches * p2p,
    pipelineBubble,
    dataParallelComm,
    optimizer,
    overhead: stack.stepOverheadSeconds,
    total: 0,
  };
  breakdown.total =
    breakdown.matmul +
    breakdown.attention +
    breakdown.elementwise +
    breakdown.recompute +
    breakdown.outputLayer +
    breakdown.tensorParallelComm +
    breakdown.contextParallelComm +
    breakdown.pipelineComm +
    breakdown.pipelineBubble +
    breakdown.dataParallelComm +
    breakdown.optimizer +
    breakdown.overhead;
  return { seconds: breakdown.total, breakdown, averageStageSeconds, bottleneckStage, microbatches };
}

export function stepTime(input: PlanInput): StepEstimate {
  const net = networkModel(input);
  return stepTimeFrom(input, net, layerCost(input, net), outputLayerSeconds(input));
}
