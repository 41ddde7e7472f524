import { attentionWidths, type ModelSpec, type Recompute } from "./transformer.ts";

// Activation memory per transformer layer, after Korthikanti et al. 2022 (arXiv 2205.05198, section 4),
// generalised to grouped-query attention, gated MLPs, models without dropout, and fused attention.

export interface ActivationShape {
  /** Tokens this GPU holds per micro-batch: micro-batch x sequence length / cp. */
  readonly tokens: number;
  /** Full sequence length (keys each query attends to). */
  readonly sequenceLength: number;
  readonly tp: number;
  readonly sequenceParallel: boolean;
  readonly recompute: Recompute;
  readonly attentionKernel: "flash" | "unfused";
}

export interface LayerActivationBytes {
  /** Kept from forward to backward for every layer and micro-batch in flight. */
  readonly storedPerLayer: number;
  /** Extra live memory of the one layer being recomputed (full recompute only). */
  readonly recomputeWorkingSet: number;
}

/** Bytes per token of one layer's saved activations, with no recomputation. */
function bytesPerTokenNoRecompute(
  model: ModelSpec,
  shape: ActivationShape,
): {
  replicated: number;
  sharded: number;
  scores: number;
} {
  const h = model.hidden;
  const widths = attentionWidths(model);
  // Inputs of the two norms, of the QKV projection and of the MLP (bf16), plus two dropout masks (1 byte).
  const replicated = 8 * h + (model.dropout ? 2 * h : 0);
  const mlp = model.gated ? 6 * model.ffnHidden : 4 * model.ffnHidden;
  // Q, K, V and the attention output (input of the output projection).
  const sharded = 2 * (widths.q + widths.kv) + 2 * widths.q + mlp;
  // Softmax output, its dropout mask and dropout output per head and key: 5as (2as without dropout).
  // Fused attention keeps only the fp32 log-sum-exp per head.
  const scores =
    shape.attentionKernel === "unfused"
      ? model.heads * shape.sequenceLength * (model.dropout ? 5 : 2)
      : 4 * model.heads;
  return { replicated, sharded, scores };
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
