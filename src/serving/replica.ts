import type { Accelerator } from "../catalog/accelerators.ts";
import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";
import { type NetworkBackend, placeGroup } from "../fabric/network.ts";
import { PRECISION_FORMATS, type Precision } from "../model/precision.ts";
import { attentionWidths, type ModelSpec, parameterCounts } from "../model/transformer.ts";
import { flashAttentionSeconds, type KernelDevice, linearSeconds } from "../parallel/kernels.ts";
import { GiB } from "../units.ts";

// One serving replica: the model's weights over tp x pp GPUs (experts over all of them), requests
// batched continuously. Prefill is compute-bound work on the training model's kernel curves; decode
// reads the active weights and every sequence's KV cache once per step, so it is bound by HBM
// bandwidth until the batch is large enough to be bound by compute.

export type KvPrecision = "bf16" | "fp8";

export interface ServingSetup {
  readonly model: ModelSpec;
  readonly accelerator: Accelerator;
  readonly hardware: HardwareCalibration;
  readonly net: NetworkBackend;
  /** Weight and GEMM precision. */
  readonly precision: Precision;
  readonly kvPrecision: KvPrecision;
  /** Tokens a request brings (after any prefix-cache hits) and generates. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Share of input tokens served from the prefix cache (their KV is reused, not recomputed). */
  readonly prefixCacheHitRate: number;
  /** Speculative decoding: draft tokens per step and the chance each is accepted (0: off). */
  readonly speculativeTokens: number;
  readonly speculativeAcceptance: number;
  /** Host and scheduler time per forward pass (CUDA graphs and an async scheduler keep it small). */
  readonly stepOverheadSeconds: number;
}

export interface ReplicaLayout {
  readonly tp: number;
  readonly pp: number;
  /** Expert-parallel degree for MoE models (the replica's GPUs); 1 for dense models. */
  readonly ep: number;
  /** Concurrent sequences in the decode batch. */
  readonly batch: number;
  /** KV-cache tokens each sequence is provisioned for; absent: its input + output. */
  readonly contextTokens?: number;
}

export interface ReplicaMemory {
  readonly weightsBytes: number;
  readonly kvCacheBytes: number;
  readonly activationsBytes: number;
  readonly runtimeBytes: number;
  readonly totalBytes: number;
  readonly capacityBytes: number;
  /** KV-cache bytes per token of context on one GPU. */
  readonly kvBytesPerToken: number;
  /** The largest batch whose KV cache fits next to the weights. */
  readonly maxBatch: number;
}

export interface DecodeBreakdown {
  /** The GEMMs: their weight reads and their math, added in quadrature. */
  readonly gemms: number;
  /** The GEMMs' weight reads alone and their math alone (parts of `gemms`). */
  readonly weights: number;
  readonly compute: number;
  /** Attention: the batch's KV cache read from HBM. */
  readonly kvCache: number;
  readonly communication: number;
  readonly overhead: number;
  readonly total: number;
}

export interface ReplicaResult {
  readonly layout: ReplicaLayout;
  readonly gpus: number;
  readonly memory: ReplicaMemory;
  /** Prefill of one request's input alone. */
  readonly prefillSeconds: number;
  /** Input tokens per second with the batch's prompts prefilled together (in engine-sized chunks). */
  readonly prefillTokensPerSecond: number;
  readonly decode: DecodeBreakdown;
  /** Output tokens per decode step per sequence (speculative decoding raises it above 1). */
  readonly tokensPerStep: number;
  readonly timeToFirstTokenSeconds: number;
  readonly timePerOutputTokenSeconds: number;
  /** Output tokens per second of the whole batch. */
  readonly decodeTokensPerSecond: number;
  /** Requests per second the replica completes with prefill and decode sharing its GPUs. */
  readonly requestsPerSecond: number;
}

/**
 * Host and scheduler time per forward pass of an engine that replays CUDA graphs with an async
 * scheduler (estimate; the serve section's default).
 */
export const CUDA_GRAPH_STEP_SECONDS = 0.0005;

/** Framework, CUDA graphs and NCCL buffers per GPU, outside weights and KV cache (vLLM/TRT-LLM: ~2-4 GiB). */
const RUNTIME_BYTES = 3 * GiB;
/** Share of HBM an engine leaves unallocated (vLLM gpu_memory_utilization 0.9). */
const HBM_RESERVE = 0.1;

function weightBytesPerParameter(precision: Precision): number {
  return precision === "bf16" ? 2 : PRECISION_FORMATS[precision].elementBytes;
}

/** KV cache per token of context for the whole model, bytes. */
export function kvBytesPerToken(model: ModelSpec, kvPrecision: KvPrecision): number {
  const bytes = kvPrecision === "fp8" ? 1 : 2;
  if (model.mla) return model.layers * (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * bytes;
  const widths = attentionWidths(model);
  return model.layers * (widths.key + widths.value) * bytes;
}

/** KV heads split over tp until each GPU holds one head; past that they are replicated. MLA is replicated. */
function kvShards(model: ModelSpec, tp: number): number {
  return model.mla ? 1 : Math.min(tp, model.kvHeads);
}

export function replicaMemory(setup: ServingSetup, layout: ReplicaLayout): ReplicaMemory {
  const { model, accelerator } = setup;
  const gpus = layout.tp * layout.pp;
  const counts = parameterCounts(model);
  const weightsBytes = (counts.total * weightBytesPerParameter(setup.precision)) / gpus;
  const kvPerToken = kvBytesPerToken(model, setup.kvPrecision) / (kvShards(model, layout.tp) * layout.pp);
  // Each sequence is given room for its whole prompt and output (TensorRT-LLM's default scheduler
  // guarantees it; vLLM would preempt instead), or for the context the replica is provisioned for.
  const contextTokens = layout.contextTokens ?? setup.inputTokens + setup.outputTokens;
  const kvCacheBytes = layout.batch * contextTokens * kvPerToken;
  // Prefill of one chunk of the prompt dominates the working activations.
  const activationsBytes = (Math.min(setup.inputTokens, 8192) * model.hidden * 2 * 8) / layout.tp;
  const capacityBytes = accelerator.hbmBytes * (1 - HBM_RESERVE);
  const free = capacityBytes - weightsBytes - activationsBytes - RUNTIME_BYTES;
  const maxBatch = free > 0 ? Math.floor(free / (contextTokens * kvPerToken)) : 0;
  return {
    weightsBytes,
    kvCacheBytes,
    activationsBytes,
    runtimeBytes: RUNTIME_BYTES,
    totalBytes: weightsBytes + kvCacheBytes + activationsBytes + RUNTIME_BYTES,
    capacityBytes,
    kvBytesPerToken: kvPerToken,
    maxBatch,
  };
}

function devices(setup: ServingSetup): {
  matmul: KernelDevice;
  decodeMatmul: KernelDevice;
  bf16: KernelDevice;
} {
  const { accelerator, hardware } = setup;
  const bf16 = {
    peakFlops: accelerator.bf16DenseFlops,
    hbmBytesPerSecond: accelerator.hbmBytesPerSecond,
    hardware,
  };
  const rate = PRECISION_FORMATS[setup.precision].gemmRate;
  const peak = rate === "fp4" ? accelerator.fp4DenseFlops : rate === "fp8" ? accelerator.fp8DenseFlops : 0;
  const matmul = peak > 0 ? { ...bf16, peakFlops: peak } : bf16;
  // NVFP4 decode GEMMs deliver an FP8-class rate, not twice it, in TensorRT-LLM's published B200/GB200 throughput and
  // InferenceX's FP4/FP8 comparison; the mechanism is not established (docs/research/inference-runs.md, section 6).
  const decodeMatmul =
    rate === "fp4" && accelerator.fp8DenseFlops > 0
      ? { ...bf16, peakFlops: accelerator.fp8DenseFlops }
      : matmul;
  return { bf16, matmul, decodeMatmul };
}

/** Forward GEMM time of `tokens` through one layer's weights on one GPU of the replica. */
function layerMatmulSeconds(
  setup: ServingSetup,
  layout: ReplicaLayout,
  tokens: number,
  device: KernelDevice,
): number {
  const { model } = setup;
  const widths = attentionWidths(model);
  const t = layout.tp;
  const h = model.hidden;
  const qkv = linearSeconds(tokens, h, (widths.query + widths.key + widths.value) / t, device).forward;
  const out = linearSeconds(tokens, widths.output / t, h, device).forward;
  const gatedFactor = model.gated ? 3 : 2;
  let mlp: number;
  if (model.moe) {
    // Each token visits k experts; spread over the replica's GPUs, a GPU runs its share of the copies.
    const copies = tokens * model.moe.expertsPerToken;
    const perGpu = Math.max(1, copies / (layout.tp * layout.pp));
    const expert = linearSeconds(perGpu, h, model.moe.expertFfnHidden, device).forward * gatedFactor;
    const shared =
      model.moe.sharedExperts > 0
        ? linearSeconds(tokens, h, (model.moe.sharedExperts * model.moe.expertFfnHidden) / t, device)
            .forward * gatedFactor
        : 0;
    const denseShare = model.moe.denseLayers / model.layers;
    const dense = linearSeconds(tokens, h, model.ffnHidden / t, device).forward * gatedFactor;
    mlp = denseShare * dense + (1 - denseShare) * (expert + shared);
  } else {
    mlp = linearSeconds(tokens, h, model.ffnHidden / t, device).forward * gatedFactor;
  }
  return qkv + out + mlp;
}

/** Two all-reduces of the hidden state per layer inside a TP group, on the scale-up domain when it fits. */
function tensorParallelSeconds(setup: ServingSetup, layout: ReplicaLayout, tokens: number): number {
  if (layout.tp <= 1) return 0;
  const group = placeGroup(layout.tp, 1, setup.accelerator.scaleUpDomainGpus);
  return 2 * setup.net.collectiveSeconds("all-reduce", tokens * setup.model.hidden * 2, group);
}

/**
 * MoE dispatch and combine per layer for `tokens` in the replica: tokens spread over the ep GPUs
 * (attention data-parallel), each sent to its k experts in the precision of the GEMMs (FP8 dispatch,
 * BF16 combine, as DeepSeek serves), averaged over the model's MoE layers.
 */
function expertParallelSeconds(setup: ServingSetup, layout: ReplicaLayout, tokens: number): number {
  const { model } = setup;
  if (!model.moe || layout.ep <= 1) return 0;
  const group = placeGroup(layout.ep, 1, setup.accelerator.scaleUpDomainGpus);
  const perRank = tokens / layout.ep;
  const send = (bytes: number) =>
    setup.net.dispatchSeconds(
      perRank,
      model.moe?.expertsPerToken ?? 1,
      model.hidden * bytes,
      group,
      model.moe?.maxNodesPerToken ?? 0,
    );
  const moeShare = 1 - model.moe.denseLayers / model.layers;
  return moeShare * (send(weightBytesPerParameter(setup.precision)) + send(2));
}

/**
 * Tokens an engine runs through one prefill forward pass at most (TensorRT-LLM's default
 * max_num_tokens, SGLang's chunked-prefill size): prompts are batched, or split, into such chunks.
 */
export const PREFILL_CHUNK_TOKENS = 8192;

/**
 * Prefill of `requests` prompts together, all layers over their uncached input, in pipeline order:
 * the GEMMs see every prompt's new tokens at once (in chunks of PREFILL_CHUNK_TOKENS, or one whole
 * prompt when it is longer); attention is each prompt's own.
 */
function prefillSeconds(
  setup: ServingSetup,
  layout: ReplicaLayout,
  dev: ReturnType<typeof devices>,
  requests: number,
): number {
  const { model } = setup;
  const newTokens = Math.max(1, Math.round(setup.inputTokens * (1 - setup.prefixCacheHitRate)));
  const tokens = newTokens * requests;
  const chunk = Math.min(tokens, Math.max(newTokens, PREFILL_CHUNK_TOKENS));
  const widths = attentionWidths(model);
  // Causal attention of the new tokens against the whole prompt.
  const attentionFlops = (2 * newTokens * setup.inputTokens * (widths.query + widths.output)) / layout.tp / 2;
  const attention = requests * flashAttentionSeconds(attentionFlops, setup.inputTokens, dev.bf16).forward;
  const perChunk =
    layerMatmulSeconds(setup, layout, chunk, dev.matmul) +
    tensorParallelSeconds(setup, layout, chunk) +
    expertParallelSeconds(setup, layout, chunk);
  const passes = tokens / chunk;
  const perLayer = passes * perChunk + attention;
  // Logits only for each prompt's last position: its first output token.
  const output = linearSeconds(requests, model.hidden, model.vocab / layout.tp, dev.bf16).forward;
  // Each forward pass pays the engine's host and scheduler time, as a decode step does.
  return model.layers * perLayer + output + Math.ceil(passes) * setup.stepOverheadSeconds;
}

/** One decode step of `batch` sequences: read the weights the batch touches and the batch's KV cache. */
function decodeStep(
  setup: ServingSetup,
  layout: ReplicaLayout,
  dev: ReturnType<typeof devices>,
): DecodeBreakdown {
  const { model, hardware, accelerator } = setup;
  const gpus = layout.tp * layout.pp;
  const counts = parameterCounts(model);
  const tokensPerSequence = 1 + setup.speculativeTokens;
  const tokens = layout.batch * tokensPerSequence;
  // MoE: a step touches the experts its tokens route to, at most all of them.
  let weightParameters = counts.total;
  if (model.moe) {
    const routed = counts.expert * model.moe.experts * counts.moeLayers;
    const touched = Math.min(1, (tokens * model.moe.expertsPerToken) / model.moe.experts);
    weightParameters = counts.total - routed + routed * touched;
  }
  const bandwidth = accelerator.hbmBytesPerSecond * hardware.elementwiseBandwidthFraction;
  const weights = (weightParameters * weightBytesPerParameter(setup.precision)) / gpus / bandwidth;
  const context = setup.inputTokens + setup.outputTokens / 2;
  const memory = replicaMemory(setup, layout);
  const kvCache = (layout.batch * context * memory.kvBytesPerToken) / bandwidth;
  // Compute at the GEMM asymptote (a decode GEMM reads its weights once: that traffic is `weights`,
  // so the small-m efficiency of the training curves, which is that traffic, is not charged twice).
  const widths = attentionWidths(model);
  const matmulFlops = 2 * counts.matmulPerToken * tokens;
  const attentionFlops = 2 * tokens * context * (widths.query + widths.output) * model.layers;
  const rate = (device: KernelDevice) =>
    device.peakFlops * hardware.sustainedComputeFraction * hardware.gemm.maxFraction;
  // Per stage: each of its GPUs does 1 / (tp x pp) of the work.
  const compute = (matmulFlops / rate(dev.decodeMatmul) + attentionFlops / rate(dev.bf16)) / gpus;
  const communication =
    (model.layers *
      (tensorParallelSeconds(setup, layout, tokens) + expertParallelSeconds(setup, layout, tokens))) /
    layout.pp;
  // The GEMMs stream their weights while the tensor cores work, and near the ridge point neither
  // hides the other fully: a smooth roofline, the two added in quadrature (against the plain max it
  // halves the error on the Hopper rows of validate's serving table). Attention is its own kernels,
  // bound by reading the KV cache, run between them. A step passes the pp stages in turn (no decode
  // micro-batching across stages).
  const gemms = Math.hypot(weights, compute);
  const stage = gemms + kvCache + communication;
  return {
    gemms: gemms * layout.pp,
    weights: weights * layout.pp,
    kvCache: kvCache * layout.pp,
    compute: compute * layout.pp,
    communication: communication * layout.pp,
    overhead: setup.stepOverheadSeconds,
    total: stage * layout.pp + setup.stepOverheadSeconds,
  };
}

/** Expected tokens per step with k draft tokens each accepted with probability a: (1 - a^(k+1)) / (1 - a). */
export function tokensPerSpeculativeStep(draftTokens: number, acceptance: number): number {
  if (draftTokens <= 0 || acceptance <= 0) return 1;
  if (acceptance >= 1) return draftTokens + 1;
  return (1 - acceptance ** (draftTokens + 1)) / (1 - acceptance);
}

export function evaluateReplica(setup: ServingSetup, layout: ReplicaLayout): ReplicaResult {
  const dev = devices(setup);
  const memory = replicaMemory(setup, layout);
  // Alone (what a request waits before its first token) and with the batch's prompts together (the
  // rate a busy replica prefills at, and what a measured batch prefill takes).
  const prefill = prefillSeconds(setup, layout, dev, 1);
  const batchPrefill = prefillSeconds(setup, layout, dev, layout.batch);
  const prefillTokensPerSecond = (layout.batch * setup.inputTokens) / batchPrefill;
  const decode = decodeStep(setup, layout, dev);
  const tokensPerStep = tokensPerSpeculativeStep(setup.speculativeTokens, setup.speculativeAcceptance);
  const timePerOutputToken = decode.total / tokensPerStep;
  const decodeTokensPerSecond = layout.batch / timePerOutputToken;
  // Prefill and decode share the GPUs (continuous batching with chunked prefill): a request costs
  // its share of the batched prefill plus its share of the decode steps.
  const decodePerRequest = (setup.outputTokens * timePerOutputToken) / layout.batch;
  const requestsPerSecond = 1 / (batchPrefill / layout.batch + decodePerRequest);
  return {
    layout,
    gpus: layout.tp * layout.pp,
    memory,
    prefillSeconds: prefill,
    prefillTokensPerSecond,
    decode,
    tokensPerStep,
    // The prefill's own forward pass samples the first token.
    timeToFirstTokenSeconds: prefill,
    timePerOutputTokenSeconds: timePerOutputToken,
    decodeTokensPerSecond,
    requestsPerSecond,
  };
}
