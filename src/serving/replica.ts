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
  /** Host and scheduler time per decode step (CUDA graphs and an async scheduler keep it small). */
  readonly stepOverheadSeconds: number;
}

export interface ReplicaLayout {
  readonly tp: number;
  readonly pp: number;
  /** Expert-parallel degree for MoE models (the replica's GPUs); 1 for dense models. */
  readonly ep: number;
  /** Concurrent sequences in the decode batch. */
  readonly batch: number;
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
  readonly weights: number;
  readonly kvCache: number;
  readonly compute: number;
  readonly communication: number;
  readonly overhead: number;
  readonly total: number;
}

export interface ReplicaResult {
  readonly layout: ReplicaLayout;
  readonly gpus: number;
  readonly memory: ReplicaMemory;
  /** Prefill of one request's input, and its rate in tokens per second. */
  readonly prefillSeconds: number;
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
  // A sequence holds its prompt and, on average over its life, half its output.
  const contextTokens = setup.inputTokens + setup.outputTokens;
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

function devices(setup: ServingSetup): { matmul: KernelDevice; bf16: KernelDevice } {
  const { accelerator, hardware } = setup;
  const bf16 = {
    peakFlops: accelerator.bf16DenseFlops,
    hbmBytesPerSecond: accelerator.hbmBytesPerSecond,
    hardware,
  };
  const rate = PRECISION_FORMATS[setup.precision].gemmRate;
  const peak = rate === "fp4" ? accelerator.fp4DenseFlops : rate === "fp8" ? accelerator.fp8DenseFlops : 0;
  return { bf16, matmul: peak > 0 ? { ...bf16, peakFlops: peak } : bf16 };
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

/** One request's prefill: all layers over its uncached input, in pipeline order. */
function prefillSeconds(setup: ServingSetup, layout: ReplicaLayout, dev: ReturnType<typeof devices>): number {
  const { model } = setup;
  const tokens = Math.max(1, Math.round(setup.inputTokens * (1 - setup.prefixCacheHitRate)));
  const widths = attentionWidths(model);
  // Causal attention of the new tokens against the whole prompt.
  const attentionFlops = (2 * tokens * setup.inputTokens * (widths.query + widths.output)) / layout.tp / 2;
  const attention = flashAttentionSeconds(attentionFlops, setup.inputTokens, dev.bf16).forward;
  const perLayer =
    layerMatmulSeconds(setup, layout, tokens, dev.matmul) +
    attention +
    tensorParallelSeconds(setup, layout, tokens);
  // Logits only for the last position: the first output token.
  const output = linearSeconds(1, model.hidden, model.vocab / layout.tp, dev.bf16).forward;
  return model.layers * perLayer + output;
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
  const compute = (matmulFlops / rate(dev.matmul) + attentionFlops / rate(dev.bf16)) / gpus;
  const communication = (model.layers * tensorParallelSeconds(setup, layout, tokens)) / layout.pp;
  // Weights and KV stream while the tensor cores work: the slower of the two sets each stage's pace,
  // and a step passes the pp stages in turn (no decode micro-batching across stages).
  const stage = Math.max(weights + kvCache, compute) + communication;
  return {
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
  const prefill = prefillSeconds(setup, layout, dev);
  const decode = decodeStep(setup, layout, dev);
  const tokensPerStep = tokensPerSpeculativeStep(setup.speculativeTokens, setup.speculativeAcceptance);
  const timePerOutputToken = decode.total / tokensPerStep;
  const decodeTokensPerSecond = layout.batch / timePerOutputToken;
  // Prefill and decode share the GPUs (continuous batching with chunked prefill): a request costs
  // its prefill plus its share of the decode steps.
  const decodePerRequest = (setup.outputTokens * timePerOutputToken) / layout.batch;
  const requestsPerSecond = 1 / (prefill + decodePerRequest);
  return {
    layout,
    gpus: layout.tp * layout.pp,
    memory,
    prefillSeconds: prefill,
    prefillTokensPerSecond: setup.inputTokens / prefill,
    decode,
    tokensPerStep,
    // The first token comes out of the prefill, then waits for the next decode step it joins.
    timeToFirstTokenSeconds: prefill + decode.total,
    timePerOutputTokenSeconds: timePerOutputToken,
    decodeTokensPerSecond,
    requestsPerSecond,
  };
}
