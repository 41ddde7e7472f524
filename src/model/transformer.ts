// Parameter and FLOP counts of a decoder-only transformer, per token and per layer.

export interface ModelSpec {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  /** Key/value heads (grouped-query attention); equal to heads for multi-head attention. */
  readonly kvHeads: number;
  /** MLP width of the dense layers (all layers of a dense model). */
  readonly ffnHidden: number;
  /** SwiGLU-style gated MLP (three matrices) rather than GeLU (two). */
  readonly gated: boolean;
  readonly vocab: number;
  readonly tiedEmbeddings: boolean;
  /** Dropout layers present (GPT-style); they add masks to activation memory and elementwise traffic. */
  readonly dropout: boolean;
  /** Mixture-of-experts MLPs; absent for dense models. */
  readonly moe?: MixtureOfExperts;
  /** Multi-head latent attention (DeepSeek-V2/V3); absent for multi-head or grouped-query attention. */
  readonly mla?: LatentAttention;
}

export interface MixtureOfExperts {
  /** Routed experts per MoE layer. */
  readonly experts: number;
  /** Routed experts each token goes to (top-k). */
  readonly expertsPerToken: number;
  readonly expertFfnHidden: number;
  /** Experts every token goes to, each expertFfnHidden wide. */
  readonly sharedExperts: number;
  /** Leading layers that keep a dense MLP of ffnHidden (DeepSeek-V3: 3). */
  readonly denseLayers: number;
  /** After the dense layers, every n-th layer is MoE (1: all of them, 2: every other one). */
  readonly layerInterval: number;
  /** Expert capacity over the balanced load; tokens beyond it are dropped. 0: dropless. */
  readonly capacityFactor: number;
  /**
   * Tokens on the busiest expert-parallel rank over the mean: 1 is perfectly balanced (forced-balance
   * benchmarks); dropless routing in practice runs above 1. A capacity factor caps it.
   */
  readonly loadImbalance: number;
  /** Node-limited routing: scale-up domains a token may be sent to (DeepSeek-V3: 4). 0: no limit. */
  readonly maxNodesPerToken: number;
}

export interface LatentAttention {
  /** Rank of the query compression; 0 projects queries directly. */
  readonly qLoraRank: number;
  readonly kvLoraRank: number;
  readonly qkNopeHeadDim: number;
  readonly qkRopeHeadDim: number;
  readonly vHeadDim: number;
}

/** How attention score FLOPs are counted: sources differ, so both conventions are kept. */
export type AttentionFlopConvention = "causal" | "full";

/** Widths of the attention tensors per token: Q, K, V (after any latent up-projection) and the output. */
export interface AttentionWidths {
  readonly query: number;
  readonly key: number;
  readonly value: number;
  /** Input width of the output projection (heads x value head size). */
  readonly output: number;
  /** Head size of queries and keys, for attention kernels. */
  readonly qkHeadDim: number;
}

export function attentionWidths(model: ModelSpec): AttentionWidths {
  if (model.mla) {
    const qk = model.mla.qkNopeHeadDim + model.mla.qkRopeHeadDim;
    return {
      query: model.heads * qk,
      key: model.heads * qk,
      value: model.heads * model.mla.vHeadDim,
      output: model.heads * model.mla.vHeadDim,
      qkHeadDim: qk,
    };
  }
  const d = model.hidden / model.heads;
  return {
    query: model.heads * d,
    key: model.kvHeads * d,
    value: model.kvHeads * d,
    output: model.heads * d,
    qkHeadDim: d,
  };
}

/** Routed tokens per expert over the balanced load on the busiest rank, after any capacity cap. */
export function effectiveImbalance(moe: MixtureOfExperts): number {
  return moe.capacityFactor > 0 ? Math.min(moe.loadImbalance, moe.capacityFactor) : moe.loadImbalance;
}

export interface ParameterCounts {
  readonly attentionPerLayer: number;
  /** MLP of a dense layer. */
  readonly denseMlpPerLayer: number;
  readonly normsPerLayer: number;
  readonly denseLayers: number;
  readonly moeLayers: number;
  /** One routed expert's MLP. */
  readonly expert: number;
  /** Router and shared experts of one MoE layer (not sharded by expert parallelism). */
  readonly moeDensePart: number;
  /** Average over layers of all parameters, and of the routed-expert part alone. */
  readonly perLayer: number;
  readonly expertPerLayer: number;
  readonly embedding: number;
  /** Zero when the output projection shares the embedding matrix. */
  readonly outputProjection: number;
  readonly finalNorm: number;
  readonly total: number;
  /** Parameters a token passes through (routed experts: only its top-k). */
  readonly active: number;
  /** Active weights that take part in matrix multiplies for every token (excludes the embedding lookup). */
  readonly matmulPerToken: number;
}

// Planning and search ask for the same model's counts millions of times.
const countsCache = new WeakMap<ModelSpec, ParameterCounts>();
// The model asked for last: a search asks for one model's counts in a row, faster than the map.
let lastModel: ModelSpec | undefined;
let lastCounts: ParameterCounts | undefined;

export function parameterCounts(model: ModelSpec): ParameterCounts {
  if (model === lastModel && lastCounts) return lastCounts;
  let counts = countsCache.get(model);
  if (!counts) {
    counts = computeParameterCounts(model);
    countsCache.set(model, counts);
  }
  lastModel = model;
  lastCounts = counts;
  return counts;
}

function attentionParameters(model: ModelSpec, widths: AttentionWidths): number {
  const h = model.hidden;
  if (!model.mla) return h * (widths.query + widths.key + widths.value) + widths.output * h;
  const { qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim } = model.mla;
  const query = qLoraRank > 0 ? h * qLoraRank + qLoraRank + qLoraRank * widths.query : h * widths.query;
  const keyValue =
    h * (kvLoraRank + qkRopeHeadDim) + kvLoraRank + kvLoraRank * model.heads * (qkNopeHeadDim + vHeadDim);
  return query + keyValue + widths.output * h;
}

/** Number of MoE layers: every layerInterval-th layer after the dense ones. */
export function moeLayerCount(model: ModelSpec): number {
  if (!model.moe) return 0;
  const { denseLayers, layerInterval } = model.moe;
  return Math.max(0, Math.ceil((model.layers - denseLayers) / layerInterval));
}

function computeParameterCounts(model: ModelSpec): ParameterCounts {
  const { hidden, ffnHidden, vocab, layers } = model;
  const matrices = model.gated ? 3 : 2;
  const attentionPerLayer = attentionParameters(model, attentionWidths(model));
  const denseMlpPerLayer = matrices * hidden * ffnHidden;
  const normsPerLayer = 2 * hidden;
  const moeLayers = moeLayerCount(model);
  const denseLayers = layers - moeLayers;
  const moe = model.moe;
  const expert = moe ? matrices * hidden * moe.expertFfnHidden : 0;
  const moeDensePart = moe ? hidden * moe.experts + moe.sharedExperts * expert : 0;
  const routed = moe ? moe.experts * expert : 0;
  const activeRouted = moe ? moe.expertsPerToken * expert : 0;

  const layerTotal =
    layers * (attentionPerLayer + normsPerLayer) +
    denseLayers * denseMlpPerLayer +
    moeLayers * (moeDensePart + routed);
  const layerActiveMatmul =
    layers * attentionPerLayer + denseLayers * denseMlpPerLayer + moeLayers * (moeDensePart + activeRouted);
  const embedding = vocab * hidden;
  const outputProjection = model.tiedEmbeddings ? 0 : vocab * hidden;
  const finalNorm = hidden;
  const total = layerTotal + embedding + outputProjection + finalNorm;
  return {
    attentionPerLayer,
    denseMlpPerLayer,
    normsPerLayer,
    denseLayers,
    moeLayers,
    expert,
    moeDensePart,
    perLayer: layerTotal / layers,
    expertPerLayer: (moeLayers * routed) / layers,
    embedding,
    outputProjection,
    finalNorm,
    total,
    active: total - moeLayers * (routed - activeRouted),
    matmulPerToken: layerActiveMatmul + vocab * hidden,
  };
}

/** Forward FLOPs of the attention score and value products, per token, per layer. */
export function attentionScoreFlopsPerToken(
  model: ModelSpec,
  sequenceLength: number,
  convention: AttentionFlopConvention,
): number {
  const widths = attentionWidths(model);
  // Scores: query x key over the sequence; values: probabilities x value.
  const full = 2 * sequenceLength * (widths.query + widths.output);
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
