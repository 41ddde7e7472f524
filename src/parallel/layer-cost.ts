import { type NetworkBackend, placeGroup, ringTreeNetwork } from "../fabric/network.ts";
import { PRECISION_FORMATS } from "../model/precision.ts";
import {
  attentionWidths,
  effectiveImbalance,
  type ModelSpec,
  parameterCounts,
  type Recompute,
} from "../model/transformer.ts";
import {
  batchedGemmSeconds,
  flashAttentionSeconds,
  gemmSeconds,
  groupedLinearSeconds,
  type KernelDevice,
  linearSeconds,
  memoryBoundSeconds,
} from "./kernels.ts";
import { type PlanInput, tokensPerMicrobatch } from "./plan-input.ts";

// The cost of one transformer layer for one micro-batch on one GPU, by term. A mixture-of-experts
// model's layer is the layer-count-weighted mix of its dense and MoE layers.

export interface LayerCost {
  readonly matmul: number;
  readonly attention: number;
  readonly elementwise: number;
  readonly recompute: number;
  readonly tensorParallelComm: number;
  readonly contextParallelComm: number;
  /** Exposed MoE token dispatch and combine. */
  readonly expertParallelComm: number;
  /** Attention scores and values alone, forward (what selective recompute runs again). */
  readonly attentionForward: number;
  readonly forward: number;
  readonly backward: number;
}

/** The cluster's network behind the one interface the parallel model prices traffic through. */
export function networkModel(input: Pick<PlanInput, "cluster">): NetworkBackend {
  const { accelerator, hardware, fabric } = input.cluster;
  return ringTreeNetwork({ accelerator, hardware, ...(fabric ? { fabric } : {}) });
}

/** Linear layers run at the training precision's rate; attention and everything else stay in BF16. */
export function kernelDevices(input: PlanInput): { matmul: KernelDevice; bf16: KernelDevice } {
  const { accelerator, hardware } = input.cluster;
  const bf16: KernelDevice = {
    peakFlops: accelerator.bf16DenseFlops,
    hbmBytesPerSecond: accelerator.hbmBytesPerSecond,
    hardware,
  };
  const rate = PRECISION_FORMATS[input.training.precision].gemmRate;
  const peak = rate === "fp4" ? accelerator.fp4DenseFlops : rate === "fp8" ? accelerator.fp8DenseFlops : 0;
  return { bf16, matmul: peak > 0 ? { ...bf16, peakFlops: peak } : bf16 };
}

/** Forward/backward seconds of a block, and the elements its GEMMs read per token (for FP8 casts). */
interface BlockCost {
  matmulForward: number;
  matmulBackward: number;
  elementwiseBytes: number;
  gemmInputsPerToken: number;
}

function linearBlock(
  tokens: number,
  shapes: readonly (readonly [number, number])[],
  device: KernelDevice,
): BlockCost {
  let matmulForward = 0;
  let matmulBackward = 0;
  let gemmInputsPerToken = 0;
  for (const [inputs, outputs] of shapes) {
    const linear = linearSeconds(tokens, inputs, outputs, device);
    matmulForward += linear.forward;
    matmulBackward += linear.backward;
    gemmInputsPerToken += inputs;
  }
  return { matmulForward, matmulBackward, elementwiseBytes: 0, gemmInputsPerToken };
}

/** Projections into and out of attention: fused QKV, or DeepSeek's latent down/up projections. */
function attentionProjections(model: ModelSpec, tokens: number, tp: number, device: KernelDevice): BlockCost {
  const h = model.hidden;
  const w = attentionWidths(model);
  if (!model.mla)
    return linearBlock(
      tokens,
      [
        [h, (w.query + w.key + w.value) / tp],
        [w.output / tp, h],
      ],
      device,
    );
  const { qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim } = model.mla;
  // Down-projections are small and replicated on every TP rank; up-projections split by heads.
  const shapes: [number, number][] = [
    [h, kvLoraRank + qkRopeHeadDim],
    [kvLoraRank, (model.heads * (qkNopeHeadDim + vHeadDim)) / tp],
    [w.output / tp, h],
  ];
  if (qLoraRank > 0) shapes.push([h, qLoraRank], [qLoraRank, w.query / tp]);
  else shapes.push([h, w.query / tp]);
  return linearBlock(tokens, shapes, device);
}

function denseMlp(
  model: ModelSpec,
  tokens: number,
  tp: number,
  ffn: number,
  device: KernelDevice,
): BlockCost {
  const h = model.hidden;
  const block = linearBlock(
    tokens,
    [
      [h, ((model.gated ? 2 : 1) * ffn) / tp],
      [ffn / tp, h],
    ],
    device,
  );
  block.elementwiseBytes = (tokens * (model.gated ? 6 : 4) * ffn) / tp;
  return block;
}

/**
 * Routed experts (sharded over ep, no tensor parallelism inside an expert), shared experts (split by
 * tp like a dense MLP) and the router. Tokens are the GPU's sequence-parallel slice; the busiest rank
 * receives `loadImbalance` times the mean.
 */
function moeMlp(
  model: ModelSpec,
  tokens: number,
  tp: number,
  ep: number,
  device: KernelDevice,
  bf16: KernelDevice,
): BlockCost & { localTokens: number } {
  const moe = model.moe;
  if (!moe) throw new Error("moeMlp needs a mixture-of-experts model");
  const h = model.hidden;
  const localTokens = tokens / tp;
  const pairs = localTokens * moe.expertsPerToken * effectiveImbalance(moe);
  const localExperts = moe.experts / ep;
  const perExpert = pairs / localExperts;
  const up = groupedLinearSeconds(
    localExperts,
    perExpert,
    h,
    (model.gated ? 2 : 1) * moe.expertFfnHidden,
    device,
  );
  const down = groupedLinearSeconds(localExperts, perExpert, moe.expertFfnHidden, h, device);
  const shared =
    moe.sharedExperts > 0
      ? denseMlp(model, tokens, tp, moe.sharedExperts * moe.expertFfnHidden, device)
      : { matmulForward: 0, matmulBackward: 0, elementwiseBytes: 0, gemmInputsPerToken: 0 };
  const routerForward = gemmSeconds(localTokens, h, moe.experts, bf16);
  const activation = pairs * (model.gated ? 6 : 4) * moe.expertFfnHidden;
  // Permuting tokens into expert order and back: read and write each routed hidden vector twice.
  const permutation = pairs * h * 2 * 4;
  const routing = localTokens * moe.experts * 4 * 3;
  return {
    matmulForward: up.forward + down.forward + shared.matmulForward + routerForward,
    matmulBackward: up.backward + down.backward + shared.matmulBackward + 2 * routerForward,
    elementwiseBytes: activation + permutation + routing + shared.elementwiseBytes,
    gemmInputsPerToken:
      (moe.expertsPerToken * effectiveImbalance(moe) * (h + moe.expertFfnHidden)) / tp +
      shared.gemmInputsPerToken,
    localTokens,
  };
}

/** Depends on the layout only through tp, cp, ep, microBatch, sequenceParallel and recompute. */
export function layerCost(input: PlanInput, net: NetworkBackend): LayerCost {
  return withRecompute(layerCostWithoutRecompute(input, net), input.layout.recompute);
}

/**
 * A layer's cost with nothing recomputed made into its cost under `recompute` (the rest of the layer
 * does not depend on it): full recompute runs the forward again in the backward, selective only the
 * attention scores and values.
 */
export function withRecompute(cost: LayerCost, recompute: Recompute): LayerCost {
  const again = recompute === "full" ? cost.forward : recompute === "selective" ? cost.attentionForward : 0;
  return { ...cost, recompute: again, backward: cost.backward + again };
}

/** `layerCost` with nothing recomputed, whatever the layout's recompute policy. */
export function layerCostWithoutRecompute(input: PlanInput, net: NetworkBackend): LayerCost {
  const { model, layout, training, cluster } = input;
  const { accelerator, stack } = cluster;
  const t = layout.tp;
  const tokens = tokensPerMicrobatch(input);
  const device = kernelDevices(input);
  const widths = attentionWidths(model);
  const h = model.hidden;
  const counts = parameterCounts(model);
  const moeShare = counts.moeLayers / model.layers;

  const attentionBlock = attentionProjections(model, tokens, t, device.matmul);
  const dense = denseMlp(model, tokens, t, model.ffnHidden, device.matmul);
  const moe = model.moe ? moeMlp(model, tokens, t, layout.ep, device.matmul, device.bf16) : undefined;
  const mix = (denseValue: number, moeValue: number) => (1 - moeShare) * denseValue + moeShare * moeValue;
  const matmulForward = attentionBlock.matmulForward + mix(dense.matmulForward, moe?.matmulForward ?? 0);
  const matmulBackward = attentionBlock.matmulBackward + mix(dense.matmulBackward, moe?.matmulBackward ?? 0);

  // Attention scores and values. Local queries (tokens / micro-batch) attend to the whole sequence.
  const s = training.sequenceLength;
  const localSequence = s / layout.cp;
  const headsLocal = model.heads / t;
  let attentionForward: number;
  let attentionBackward: number;
  let scoreBytes = 0;
  if (stack.attentionKernel === "flash") {
    // Causal kernels skip the masked half of the score matrix.
    const flops = (2 * layout.microBatch * localSequence * s * (widths.query + widths.output)) / t / 2;
    // A context-parallel ring runs one kernel per key/value chunk of s / cp, at that length's efficiency.
    const flash = flashAttentionSeconds(flops, localSequence, device.bf16);
    attentionForward = flash.forward;
    attentionBackward = flash.backward;
  } else {
    // Unfused: batched GEMMs over the full score matrix per head, then softmax and dropout in HBM.
    const batch = layout.microBatch * headsLocal;
    const scores = batchedGemmSeconds(batch, localSequence, widths.qkHeadDim, s, device.bf16);
    const values = batchedGemmSeconds(batch, localSequence, s, widths.output / model.heads, device.bf16);
    attentionForward = scores + values;
    attentionBackward = 2 * attentionForward;
    scoreBytes = tokens * headsLocal * s * (model.dropout ? 9 : 4);
  }

  // Elementwise traffic: two norms, two residual adds, dropout masks, rotary, the MLP activation, and
  // under low precision the casts of every GEMM input (read 2 bytes, write its quantized copies).
  const replicatedShare = layout.sequenceParallel ? 1 / t : 1;
  const hiddenBytes = tokens * (8 * h + 12 * h + (model.dropout ? 2 * h : 0)) * replicatedShare;
  const rotaryBytes = model.dropout ? 0 : (tokens * 4 * (widths.query + widths.key)) / t;
  const gemmInputs =
    attentionBlock.gemmInputsPerToken + mix(dense.gemmInputsPerToken, moe?.gemmInputsPerToken ?? 0);
  const format = PRECISION_FORMATS[training.precision];
  const castBytes =
    format.activationCopies > 0
      ? tokens * (2 + format.activationCopies * format.elementBytes) * gemmInputs
      : 0;
  const elementwiseForwardBytes =
    hiddenBytes +
    rotaryBytes +
    mix(dense.elementwiseBytes, moe?.elementwiseBytes ?? 0) +
    scoreBytes +
    castBytes;
  const elementwiseForward =
    memoryBoundSeconds(elementwiseForwardBytes, device.bf16) * stack.elementwiseSlowdown;
  const elementwise = 3 * elementwiseForward;

  // Tensor parallel: with sequence parallelism 2 all-gathers + 2 reduce-scatters each way, otherwise
  // 2 all-reduces each way; the same volume either way. Only a stack with userbuffers-style overlap
  // hides part of it, and only inside the scale-up domain: a group over the NICs is exposed in full.
  const tpGroup = placeGroup(t, 1, accelerator.scaleUpDomainGpus);
  const activationTensorBytes = tokens * h * 2;
  const tpOneDirection = layout.sequenceParallel
    ? 2 * net.collectiveSeconds("all-gather", activationTensorBytes, tpGroup) +
      2 * net.collectiveSeconds("reduce-scatter", activationTensorBytes, tpGroup)
    : 2 * net.collectiveSeconds("all-reduce", activationTensorBytes, tpGroup);
  const tpHidden = t <= accelerator.scaleUpDomainGpus ? stack.tpCommOverlap * tpOneDirection : 0;
  const tpForward = tpOneDirection - tpHidden + stack.overlapComputeTax * tpHidden;

  // Context parallel. A ring passes cp - 1 chunks of the local K and V, hidden behind the attention
  // blocks; an all-gather stack gathers every chunk first and reduce-scatters their gradients after
  // the backward, both exposed.
  let cpForward = 0;
  let cpBackward = 0;
  if (layout.cp > 1) {
    const cpGroup = placeGroup(layout.cp, t, accelerator.scaleUpDomainGpus);
    const kvBytes = (tokens * (widths.key + widths.value) * 2) / t;
    if (stack.contextParallelAlgorithm === "all-gather") {
      cpForward = net.collectiveSeconds("all-gather", kvBytes * layout.cp, cpGroup);
      cpBackward = net.collectiveSeconds("reduce-scatter", kvBytes * layout.cp, cpGroup);
    } else {
      const hop = net.pointToPointSeconds(
        kvBytes,
        cpGroup.perDomain < layout.cp ? accelerator.scaleUpDomainGpus : t,
      );
      cpForward = Math.max(0, (layout.cp - 1) * hop - attentionForward);
      cpBackward = Math.max(0, 2 * (layout.cp - 1) * hop - attentionBackward);
    }
  }

  // Expert parallel: dispatch and combine forward, their gradients backward, on the MoE layers. FP8
  // recipes dispatch in FP8 (DeepSeek-V3 section 3.3); combines stay in BF16. The busiest rank
  // receives loadImbalance times the mean.
  let epForward = 0;
  if (moe && model.moe && layout.ep > 1) {
    const epGroup = placeGroup(layout.ep, 1, accelerator.scaleUpDomainGpus);
    const copies = model.moe.expertsPerToken * effectiveImbalance(model.moe);
    const send = (bytes: number) =>
      net.dispatchSeconds(moe.localTokens, copies, h * bytes, epGroup, model.moe?.maxNodesPerToken ?? 0);
    const dispatch = send(training.precision === "bf16" ? 2 : 1);
    epForward = moeShare * (dispatch + send(2)) * (1 - stack.expertCommOverlap);
  }

  const forward = matmulForward + attentionForward + elementwiseForward + tpForward + cpForward + epForward;
  const backward =
    matmulBackward + attentionBackward + 2 * elementwiseForward + tpForward + cpBackward + epForward;
  return {
    matmul: matmulForward + matmulBackward,
    attention: attentionForward + attentionBackward,
    elementwise,
    recompute: 0,
    tensorParallelComm: 2 * tpForward,
    contextParallelComm: cpForward + cpBackward,
    expertParallelComm: 2 * epForward,
    attentionForward,
    forward,
    backward,
  };
}

/** Output projection (kept in BF16 under FP8 recipes), fp32 logits and cross-entropy, per micro-batch. */
export function outputLayerSeconds(input: PlanInput): number {
  const { model, layout } = input;
  const tokens = tokensPerMicrobatch(input);
  const { bf16 } = kernelDevices(input);
  const logits = linearSeconds(tokens, model.hidden, model.vocab / layout.tp, bf16);
  // Softmax cross-entropy reads and writes the fp32 logits about three times forward and backward.
  const lossBytes = (tokens * model.vocab * 4 * 6) / layout.tp;
  return logits.forward + logits.backward + memoryBoundSeconds(lossBytes, bf16);
}
