import type { Precision } from "./precision.ts";
import { PRECISION_FORMATS } from "./precision.ts";
import {
  attentionWidths,
  effectiveImbalance,
  type ModelSpec,
  parameterCounts,
  type Recompute,
} from "./transformer.ts";

// Activation memory per transformer layer, after Korthikanti et al. 2022 (arXiv 2205.05198, section 4),
// generalised to grouped-query and latent attention, gated MLPs, mixtures of experts, models without
// dropout, fused attention and FP8 linear-layer inputs.

export interface ActivationShape {
  /** Tokens this GPU holds per micro-batch: micro-batch x sequence length / cp. */
  readonly tokens: number;
  /** Full sequence length (keys each query attends to). */
  readonly sequenceLength: number;
  readonly tp: number;
  readonly sequenceParallel: boolean;
  readonly recompute: Recompute;
  readonly attentionKernel: "flash" | "unfused";
  /** FP8 recipes keep the inputs of linear layers in FP8 (1 byte) for the backward pass. */
  readonly precision: Precision;
  /** What the stack's kernels keep: fused (Transformer Engine), eager PyTorch ops, or torch.compile's choice. */
  readonly style: "fused" | "eager" | "compiled";
}

export interface LayerActivationBytes {
  /** Kept from forward to backward for every layer and micro-batch in flight. */
  readonly storedPerLayer: number;
  /** Extra live memory of the one layer being recomputed (full recompute only). */
  readonly recomputeWorkingSet: number;
}

/**
 * Bytes per token of one layer's saved activations, with no recomputation: `replicated` is divided by
 * tp only under sequence parallelism, `sharded` always, `scores` is the attention-probability part.
 * A mixture-of-experts model averages its dense and MoE layers by count.
 */
function bytesPerTokenNoRecompute(
  model: ModelSpec,
  shape: ActivationShape,
): {
  replicated: number;
  sharded: number;
  scores: number;
} {
  const h = model.hidden;
  const w = attentionWidths(model);
  // Bytes of a saved linear-layer input: low-precision recipes keep those quantized.
  const linearInput = PRECISION_FORMATS[shape.precision].elementBytes;
  // Inputs of the two norms (bf16), of the QKV projection and of the MLP, plus two dropout masks (1 byte).
  let replicated = 4 * h + 2 * linearInput * h + (model.dropout ? 2 * h : 0);
  if (model.mla) {
    // Compressed query and key/value latents, inputs of the up-projections.
    replicated += linearInput * (model.mla.qLoraRank + model.mla.kvLoraRank + model.mla.qkRopeHeadDim);
  }
  let attentionExtra = 0;
  const attention = 2 * (w.query + w.key + w.value) + linearInput * w.output;
  // Fused: the first projection's output and the second's input. Eager ops also keep the activation's
  // output (SwiGLU's silu(gate)) apart from the product; compiled graphs recompute the pointwise part.
  const extraMlp =
    shape.style === "eager" ? (model.gated ? 2 : 0) : shape.style === "compiled" ? -linearInput : 0;
  const mlp = (ffn: number) => ((model.gated ? 4 + linearInput : 2 + linearInput) + extraMlp) * ffn;
  let mlpBytes = mlp(model.ffnHidden);
  const moe = model.moe;
  if (moe) {
    const moeShare = parameterCounts(model).moeLayers / model.layers;
    // Each routed copy of a token keeps its input and its expert's activation; shared experts act as a dense MLP.
    const routed =
      moe.expertsPerToken * effectiveImbalance(moe) * (linearInput * h + mlp(moe.expertFfnHidden));
    const moeBytes = routed + mlp(moe.sharedExperts * moe.expertFfnHidden);
    mlpBytes = (1 - moeShare) * mlpBytes + moeShare * moeBytes;
    // Router logits and probabilities in fp32, on the sequence-parallel slice.
    replicated += moeShare * 8 * moe.experts;
  }
  if (shape.style === "eager") {
    // Eager norms upcast to fp32 and keep the fp32 input and normalized output (6h more per norm than
    // a fused kernel); eager rotary keeps q and k and their rotated halves (4 bytes per element more).
    replicated += 2 * 6 * h;
    attentionExtra = 4 * (w.query + w.key);
  }
  // Softmax output, its dropout mask and dropout output per head and key: 5as (2as without dropout).
  // Fused attention keeps only the fp32 log-sum-exp per head.
  const scores =
    shape.attentionKernel === "unfused"
      ? model.heads * shape.sequenceLength * (model.dropout ? 5 : 2)
      : 4 * model.heads;
  return { replicated, sharded: attention + attentionExtra + mlpBytes, scores };
}

export function layerActivationBytes(model: ModelSpec, shape: ActivationShape): LayerActivationBytes {
  const { tokens, tp, sequenceParallel, recompute } = shape;
  const perToken = bytesPerTokenNoRecompute(model, shape);
  const replicatedShare = sequenceParallel ? perToken.replicated / tp : perToken.replicated;
  const full = tokens * (replicatedShare + perToken.sharded / tp + perToken.scores / tp);
  if (recompute === "full") {
    // Only each layer's input is kept; one layer's activations come back during its backward.
    const input = tokens * (sequenceParallel ? (2 * model.hidden) / tp : 2 * model.hidden);
    return { storedPerLayer: input, recomputeWorkingSet: full };
  }
  if (recompute === "selective" && shape.attentionKernel === "unfused") {
    return { storedPerLayer: full - (tokens * perToken.scores) / tp, recomputeWorkingSet: 0 };
  }
  return { storedPerLayer: full, recomputeWorkingSet: 0 };
}
