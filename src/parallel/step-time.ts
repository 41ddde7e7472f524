import { stateBytesPerParameter } from "../model/precision.ts";
import {
  allGatherSeconds,
  allReduceSeconds,
  type GroupPlacement,
  type NetworkModel,
  placeGroup,
  pointToPointSeconds,
} from "./collectives.ts";
import { type LayerCost, layerCost, networkModel, outputLayerSeconds } from "./layer-cost.ts";
import {
  expertDataParallelSize,
  stageExpertParameterCount,
  stageLayers,
  stageParameterCount,
} from "./layout.ts";
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
  readonly expertParallelComm: number;
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

interface DataParallelTraffic {
  readonly reduceScatter: number;
  readonly gather: number;
  readonly allReduce: number;
  /** Parameters whose optimizer state this GPU updates. */
  readonly optimizerShard: number;
}

const NO_TRAFFIC: DataParallelTraffic = { reduceScatter: 0, gather: 0, allReduce: 0, optimizerShard: 0 };

/** Gradient reduction and weight gathering for `parameters` replicated over `group`. */
function dataParallelTraffic(
  parameters: number,
  group: GroupPlacement,
  input: PlanInput,
  net: NetworkModel,
): DataParallelTraffic {
  const { layout, training, cluster } = input;
  const gradBytes = parameters * cluster.stack.gradReduceBytes;
  const weightBytes =
    parameters * Math.min(stateBytesPerParameter(training.recipe, training.precision).weights, 2);
  if (layout.zero === 0) {
    return {
      reduceScatter: 0,
      gather: 0,
      allReduce: allReduceSeconds(gradBytes, group, net),
      optimizerShard: parameters,
    };
  }
  return {
    reduceScatter: allGatherSeconds(gradBytes, group, net),
    gather: allGatherSeconds(weightBytes, group, net),
    allReduce: 0,
    optimizerShard: parameters / group.size,
  };
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

  // Data parallel: gradients reduced and weights gathered over the ranks that hold the same weights —
  // dp x cp for dense weights, the expert-data-parallel group for routed experts.
  const stageParameters = stageParameterCount(model, layout, bottleneckStage, bottleneckLayers);
  const expertParameters = stageExpertParameterCount(model, layout, bottleneckLayers);
  const state = stateBytesPerParameter(training.recipe, training.precision);
  const microbatchForward = bottleneckLayers * layer.forward;
  const microbatchBackward = bottleneckLayers * layer.backward;
  const dense = dataParallelTraffic(
    stageParameters - expertParameters,
    placeGroup(layout.dp * layout.cp, layout.tp, accelerator.scaleUpDomainGpus),
    input,
    net,
  );
  const experts =
    expertParameters > 0
      ? dataParallelTraffic(
          expertParameters,
          placeGroup(expertDataParallelSize(layout), layout.ep, accelerator.scaleUpDomainGpus),
          input,
          net,
        )
      : NO_TRAFFIC;
  const reduceScatter = dense.reduceScatter + experts.reduceScatter;
  const gather = dense.gather + experts.gather;
  const allReduce = dense.allReduce + experts.allReduce;
  const optimizerShard = dense.optimizerShard + experts.optimizerShard;
  let dataParallelComm: number;
  if (layout.zero === 0) {
    dataParallelComm = Math.max(0, allReduce - stack.dpOverlapFraction * microbatchBackward);
  } else if (layout.zero <= 2) {
    dataParallelComm =
      Math.max(0, reduceScatter - stack.dpOverlapFraction * microbatchBackward) +
      Math.max(0, gather - stack.dpOverlapFraction * microbatchForward);
  } else {
    // FSDP / ZeRO-3: weights gathered for every forward and backward, gradients scattered every micro-batch.
    dataParallelComm =
      microbatches *
      Math.max(
        0,
        2 * gather + reduceScatter - stack.dpOverlapFraction * (microbatchForward + microbatchBackward),
      );
  }

  // Adam over this GPU's optimizer shard; grad-norm clipping reads every local gradient.
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
    expertParallelComm: steady * layer.expertParallelComm,
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
    breakdown.expertParallelComm +
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
