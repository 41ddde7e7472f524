// Parameter and FLOP counts of a decoder-only transformer, per token and per layer.

export interface ModelSpec {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  /** Key/value heads (grouped-query attention); equal to heads for multi-head attention. */
  readonly kvHeads: number;
  readonly ffnHidden: number;
  /** SwiGLU-style gated MLP (three matrices) rather than GeLU (two). */
  readonly gated: boolean;
  readonly vocab: number;
  readonly tiedEmbeddings: boolean;
  /** Dropout layers present (GPT-style); they add masks to activation memory and elementwise traffic. */
  readonly dropout: boolean;
}

/** How attention score FLOPs are counted: sources differ, so both conventions are kept. */
export type AttentionFlopConvention = "causal" | "full";

export function headDim(model: ModelSpec): number {
  return model.hidden / model.heads;
}

/** Width of Q (and of the attention output) and of K plus V. */
export function attentionWidths(model: ModelSpec): { q: number; kv: number } {
  const d = headDim(model);
  return { q: model.heads * d, kv: 2 * model.kvHeads * d };
}

export interface ParameterCounts {
  readonly attentionPerLayer: number;
  readonly mlpPerLayer: number;
  readonly normsPerLayer: number;
  readonly perLayer: number;
  readonly embedding: number;
  /** Zero when the output projection shares the embedding matrix. */
  readonly outputProjection: number;
  readonly finalNorm: number;
  readonly total: number;
  /** Weights that take part in matrix multiplies for every token (excludes the embedding lookup). */
  readonly matmulPerToken: number;
}

// Planning and search ask for the same model's counts millions of times.
const countsCache = new WeakMap<ModelSpec, ParameterCounts>();

export function parameterCounts(model: ModelSpec): ParameterCounts {
  const cached = countsCache.get(model);
  if (cached) return cached;
  const counts = computeParameterCounts(model);
  countsCache.set(model, counts);
  return counts;
}

function computeParameterCounts(model: ModelSpec): ParameterCounts {
  const { hidden, ffnHidden, vocab, layers } = model;
  const widths = attentionWidths(model);
  const attentionPerLayer = hidden * (widths.q + widths.kv) + widths.q * hidden;
  const mlpPerLayer = (model.gated ? 3 : 2) * hidden * ffnHidden;
  const normsPerLayer = 2 * hidden;
  const perLayer = attentionPerLayer + mlpPerLayer + normsPerLayer;
  const embedding = vocab * hidden;
  const outputProjection = model.tiedEmbeddings ? 0 : vocab * hidden;
  const finalNorm = hidden;
  const total = layers * perLayer + embedding + outputProjection + finalNorm;
  const matmulPerToken = layers * (attentionPerLayer + mlpPerLayer) + vocab * hidden;
  return {
    attentionPerLayer,
    mlpPerLayer,
    normsPerLayer,
    perLayer,
    embedding,
    outputProjection,
    finalNorm,
    total,
    matmulPerToken,
  };
}

/** Forward FLOPs of the attention score and value products, per token, per layer. */
export function attentionScoreFlopsPerToken(
  model: ModelSpec,
  sequenceLength: number,
  convention: AttentionFlopConvention,
): number {
  const full = 4 * sequenceLength * attentionWidths(model).q;
  return convention === "causal" ? full / 2 : full;
}

export interface FlopsPerToken {
  /** Forward pass, weights only (2 FLOPs per multiply-add). */
  readonly forwardMatmul: number;
  readonly forwardAttention: number;
  readonly forward: number;
  /** Forward + backward (backward costs twice the forward). */
  readonly training: number;
}

export function flopsPerToken(
  model: ModelSpec,
  sequenceLength: number,
  convention: AttentionFlopConvention,
): FlopsPerToken {
  const forwardMatmul = 2 * parameterCounts(model).matmulPerToken;
  const forwardAttention = model.layers * attentionScoreFlopsPerToken(model, sequenceLength, convention);
  const forward = forwardMatmul + forwardAttention;
  return { forwardMatmul, forwardAttention, forward, training: 3 * forward };
}

export type Recompute = "none" | "selective" | "full";

/**
 * Hardware FLOPs per token: model FLOPs plus what recomputation repeats. Full recompute repeats each
 * layer's forward (not the output layer); selective repeats the attention score/value products.
 */
export function hardwareFlopsPerToken(
  model: ModelSpec,
  sequenceLength: number,
  convention: AttentionFlopConvention,
  recompute: Recompute,
): number {
  const flops = flopsPerToken(model, sequenceLength, convention);
  const layerForward = flops.forward - 2 * model.vocab * model.hidden;
  if (recompute === "full") return flops.training + layerForward;
  if (recompute === "selective") return flops.training + flops.forwardAttention;
  return flops.training;
}
