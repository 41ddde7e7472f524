import { GiB } from "../units.ts";
import type { Accelerator } from "./accelerators.ts";
import { type HardwareCalibration, hardwareCalibrationFor } from "./hardware-calibrations.ts";
import type { Source } from "./source.ts";

/**
 * A software stack as a user picks it (`cluster.stack`): which overlaps, fusions, schedules and memory
 * habits it has, and its host-side cost. Hardware rates are the generation's (hardware-calibrations.ts);
 * everything here holds on any generation. Each constant says how it was obtained in `sources`.
 */
export interface SoftwareStack {
  readonly name: string;
  /** Other names it answers to (older catalog names, the product around it). */
  readonly aliases: readonly string[];
  readonly description: string;
  /** Fused attention (flash) or softmax through HBM. */
  readonly attentionKernel: "flash" | "unfused";
  /**
   * What the forward keeps for the backward: `fused` (Transformer Engine / Megatron kernels, Korthikanti
   * et al.'s terms), `eager` (every PyTorch op saves its inputs), `compiled` (torch.compile's
   * partitioner keeps the matrix inputs and recomputes pointwise work).
   */
  readonly activationStyle: "fused" | "eager" | "compiled";
  /** Share of tensor-parallel collectives inside the scale-up domain hidden behind GEMMs (userbuffers). */
  readonly tpCommOverlap: number;
  /** Gradient reduction in buckets, started while the backward of earlier layers still runs. */
  readonly gradReduceOverlap: boolean;
  /** ZeRO-1/2 weight all-gather overlapped with the next step's forward (Megatron --overlap-param-gather). */
  readonly paramGatherOverlap: boolean;
  /** Gradient bucket size in elements (Megatron: 40M; PyTorch DDP: 25 MB); 0: one bucket per layer. */
  readonly bucketElements: number;
  /** Buckets grow with the data-parallel size to amortize ring latency (Megatron: 1M elements per rank). */
  readonly bucketElementsPerRank: number;
  /** ZeRO-3/FSDP: layers whose weights are gathered ahead of use (0: gathered on demand, exposed). */
  readonly zero3PrefetchLayers: number;
  /**
   * ZeRO-3/FSDP: each gathered buffer is copied out to per-parameter tensors on the compute stream
   * (FSDP2), a read and a write of the gathered weights per gather; false: used in place.
   */
  readonly zero3CopyOut: boolean;
  /** Pipeline send/receive overlapped with compute (Megatron's interleaved schedule, DualPipe). */
  readonly pipelineCommOverlap: boolean;
  /**
   * Context parallelism as the stack runs it: `ring` passes K and V chunks around the group behind the
   * attention blocks (Megatron/TE); `all-gather` gathers the whole K and V before attention and
   * reduce-scatters their gradients after it, in the critical path (Llama 3's implementation).
   */
  readonly contextParallelAlgorithm: "ring" | "all-gather";
  /** Share of MoE dispatch and combine hidden behind computation. */
  readonly expertCommOverlap: number;
  /**
   * Compute time lost per second of communication hidden under it: NCCL kernels take SMs and HBM
   * bandwidth from the GEMMs they overlap.
   */
  readonly overlapComputeTax: number;
  /** Bubble of the pipeline schedule: 1F1B (interleaved when virtualStages > 1), zero-bubble ZB-H1, or DualPipe. */
  readonly pipelineSchedule: "1f1b" | "zero-bubble" | "dualpipe";
  /** How layers are cut into stages: evenly, or balanced against the output layer's and embedding's cost. */
  readonly pipelinePartition: "even" | "balanced";
  /** Bytes per gradient element in the data-parallel reduction. */
  readonly gradReduceBytes: number;
  /**
   * Megatron recipes keep their gradient buffer in BF16 rather than FP32 (grad_reduce_in_fp32 off):
   * 2 bytes per parameter instead of 4. PyTorch AMP's fp32 gradients are unaffected.
   */
  readonly bf16Gradients: boolean;
  /**
   * Time of the stack's norms, activations and residuals over the fused-kernel model (one read and
   * write per tensor at the elementwise bandwidth): eager PyTorch runs each as several kernels with
   * fp32 upcasts.
   */
  readonly elementwiseSlowdown: number;
  /** Host (CPU) cost to issue one GPU kernel: dispatcher, autograd and launch. */
  readonly hostSecondsPerKernel: number;
  /** Kernels one transformer layer's forward launches; the backward launches twice as many. */
  readonly kernelsPerLayerForward: number;
  /** Host time per micro-batch outside the layers: input, embedding, loss, schedule bookkeeping. */
  readonly hostSecondsPerMicrobatch: number;
  /** Fixed time per step outside the model: data loading, logging, gradient-norm and optimizer launches. */
  readonly stepOverheadSeconds: number;
  /** CUDA context, cuBLAS/cuDNN workspaces and the stack's own buffers, per GPU. */
  readonly runtimeMemoryBytes: number;
  /** NCCL buffers of one communicator a GPU belongs to (channels x buffer size, send and receive). */
  readonly communicatorMemoryBytes: number;
  /** Allocator reserve over live tensors (caching-allocator fragmentation), as a share of the dynamic memory. */
  readonly allocatorOverhead: number;
  readonly sources: Readonly<Record<string, Source>>;
  /** A stack of the user's own: the catalog stack it overrides. */
  readonly basedOn?: string;
  /** A calibrated stack's cross-validated step-time error, shown as its error band. */
  readonly validated?: { readonly meanAbsoluteError: number; readonly runs: number };
}

const estimate = (ref: string): Source => ({ ref, kind: "estimate" });
const paper = (ref: string): Source => ({ ref, kind: "paper" });

const megatronCore: SoftwareStack = {
  name: "megatron-core",
  aliases: ["megatron", "nemo", "hopper-2024", "blackwell-2025", "cdna3-2024"],
  description:
    "Megatron-Core / NeMo with Transformer Engine (2024-2025): flash attention, fused kernels, TP userbuffers overlap, bucketed DP overlap, interleaved 1F1B",
  attentionKernel: "flash",
  activationStyle: "fused",
  tpCommOverlap: 0.9,
  gradReduceOverlap: true,
  paramGatherOverlap: true,
  bucketElements: 40e6,
  bucketElementsPerRank: 1e6,
  zero3PrefetchLayers: 1,
  zero3CopyOut: false,
  pipelineCommOverlap: true,
  contextParallelAlgorithm: "ring",
  expertCommOverlap: 0,
  overlapComputeTax: 0.1,
  pipelineSchedule: "1f1b",
  pipelinePartition: "even",
  gradReduceBytes: 4,
  bf16Gradients: false,
  elementwiseSlowdown: 1,
  hostSecondsPerKernel: 8e-6,
  kernelsPerLayerForward: 14,
  hostSecondsPerMicrobatch: 1e-3,
  stepOverheadSeconds: 0.02,
  runtimeMemoryBytes: 1.5 * GiB,
  communicatorMemoryBytes: 0.25 * GiB,
  allocatorOverhead: 0.05,
  sources: {
    tpCommOverlap: {
      ref: "fitted by scripts/fit-calibration.ts over the Megatron-Core H100 runs (--tp-comm-overlap on); bounded by 0.9",
      kind: "derived",
    },
    gradReduceOverlap: paper(
      "Megatron-Core DDP: --overlap-grad-reduce with buckets of max(40M, 1M x dp) elements",
    ),
    bucketElements: paper(
      "Megatron-Core DDP: bucket_size default 40M elements (grown to 1M x dp past dp 40; not modelled)",
    ),
    overlapComputeTax: estimate(
      "NCCL kernels hold 8-32 SMs of 132 while overlapped; a tenth of the hidden time is charged to compute",
    ),
    hostSecondsPerKernel: estimate(
      "PyTorch dispatcher plus cudaLaunchKernel, ~5-10 us per op on a server CPU",
    ),
    kernelsPerLayerForward: estimate(
      "count of a Transformer Engine layer's forward: fused norm+QKV, rope, flash, projection, fused norm+MLP, activation, residuals",
    ),
    runtimeMemoryBytes: estimate("CUDA context (~0.5 GiB), cuBLAS/TE workspaces and userbuffers"),
    communicatorMemoryBytes: estimate("NCCL: up to 32 channels x 4 MiB buffers, send and receive"),
    allocatorOverhead: estimate(
      "PyTorch caching allocator reserve over allocated in long Megatron runs: ~5%",
    ),
  },
};

/** NVIDIA's Megatron-Bridge performance recipes (the source of its published throughput tables). */
const megatronBridge: SoftwareStack = {
  ...megatronCore,
  name: "megatron-bridge",
  aliases: ["nemo-2", "megatron-bridge-perf"],
  description:
    "Megatron-Bridge performance recipes (2025-2026): Megatron-Core with BF16 gradient buffers and reduction (grad_reduce_in_fp32 off)",
  bf16Gradients: true,
  gradReduceBytes: 2,
  sources: {
    ...megatronCore.sources,
    bf16Gradients: paper(
      "Megatron-Bridge scripts/performance configs, set_llama3_common_configs (and the DeepSeek/Qwen ones): cfg.ddp.grad_reduce_in_fp32 = False",
    ),
    gradReduceBytes: paper("Megatron-Bridge performance configs: gradients reduced in BF16"),
  },
};

const megatronLm2021: SoftwareStack = {
  ...megatronCore,
  name: "megatron-lm-2021",
  aliases: ["ampere-megatron-2021"],
  description:
    "Megatron-LM as of 2021-2022 (Narayanan et al., Korthikanti et al.): unfused softmax attention, fused bias/GeLU/dropout, no TP or DP overlap",
  attentionKernel: "unfused",
  tpCommOverlap: 0,
  gradReduceOverlap: false,
  paramGatherOverlap: false,
  pipelineCommOverlap: false,
  sources: {
    ...megatronCore.sources,
    tpCommOverlap: paper("Megatron-LM 2021 had no TP communication overlap"),
    gradReduceOverlap: paper("Megatron-LM 2021 all-reduced gradients after the backward pass"),
  },
};

const megatronDeepSpeed: SoftwareStack = {
  ...megatronLm2021,
  name: "megatron-deepspeed",
  aliases: ["bigscience"],
  description:
    "Megatron-DeepSpeed (BigScience, 2022): Megatron's fused kernels under DeepSpeed's pipeline engine and BF16 optimizer, no overlap",
  pipelinePartition: "balanced",
  hostSecondsPerMicrobatch: 5e-3,
  sources: {
    ...megatronLm2021.sources,
    hostSecondsPerMicrobatch: estimate(
      "DeepSpeed pipeline engine: Python schedule and buffer management per micro-batch",
    ),
  },
};

const deepseek: SoftwareStack = {
  ...megatronCore,
  name: "deepseek-dualpipe",
  aliases: ["hopper-deepseek-2024", "deepseek"],
  description:
    "DeepSeek's own stack (DeepSeek-V3 report, section 3.2): DualPipe overlaps the MoE all-to-all and pipeline traffic completely",
  tpCommOverlap: 0,
  expertCommOverlap: 1,
  pipelineSchedule: "dualpipe",
  sources: {
    ...megatronCore.sources,
    expertCommOverlap: paper(
      "DeepSeek-V3 report (arXiv 2412.19437) section 3.2.1: DualPipe achieves full computation-communication overlap",
    ),
    pipelineSchedule: paper("DeepSeek-V3 report, Table 2: DualPipe bubble (PP/2-1)(F&B+B-3W), 2x parameters"),
  },
};

/** Meta's 4D-parallel training stack for Llama 3 (PyTorch, FSDP, TP, PP, CP), as its paper describes it. */
const metaLlama3: SoftwareStack = {
  ...megatronCore,
  name: "meta-llama3",
  aliases: ["llama3", "meta"],
  description:
    "Meta's Llama 3 pre-training stack (Llama 3 paper, section 3.3.2): all-gather context parallelism with the gather exposed, pipeline stages with one layer fewer on the first and last",
  contextParallelAlgorithm: "all-gather",
  sources: {
    ...megatronCore.sources,
    contextParallelAlgorithm: paper(
      "Llama 3 paper (arXiv 2407.21783) section 3.3.2: K and V are all-gathered before attention; the all-gather latency is exposed in the critical path",
    ),
  },
};

/** Where eager PyTorch's execution constants come from (plain PyTorch and FSDP without compile). */
const eagerExecutionSources = {
  elementwiseSlowdown: {
    ref: "data/h100-sxm-measured-ceilings.json memory_bound_ops_bf16: eager RMSNorm and SwiGLU forward+backward take 2.4-3.8x (geometric mean 3.1x over 6 sizes) the fused model's time (forward bytes x 3 at 0.895 x 3.35 TB/s)",
    kind: "measured",
  },
  kernelsPerLayerForward: estimate(
    "eager Llama-style layer: RMSNorm as 6-7 ops, rotary ~10, SwiGLU 5, linears, residuals",
  ),
  allocatorOverhead: estimate("eager PyTorch: caching-allocator reserve ~10-15% over allocated"),
} as const;

const pytorchEager: SoftwareStack = {
  ...megatronCore,
  name: "pytorch-eager",
  aliases: ["pytorch", "ddp", "pytorch-ddp"],
  description:
    "Plain PyTorch (DDP, autocast, SDPA flash attention), eager: every op saves its inputs and is launched from Python",
  activationStyle: "eager",
  elementwiseSlowdown: 3.1,
  tpCommOverlap: 0,
  paramGatherOverlap: false,
  bucketElements: (25 * 1024 * 1024) / 4,
  bucketElementsPerRank: 0,
  zero3PrefetchLayers: 0,
  pipelineCommOverlap: false,
  pipelinePartition: "balanced",
  hostSecondsPerKernel: 10e-6,
  kernelsPerLayerForward: 40,
  hostSecondsPerMicrobatch: 3e-3,
  stepOverheadSeconds: 0.03,
  runtimeMemoryBytes: 0.75 * GiB,
  allocatorOverhead: 0.12,
  // NCCL's collectives at their default channel counts beside the compute streams, no SM budget.
  overlapComputeTax: 0.19,
  sources: {
    ...megatronCore.sources,
    bucketElements: paper("torch.nn.parallel.DistributedDataParallel: bucket_cap_mb default 25"),
    overlapComputeTax: paper(
      "Lee et al., Characterizing Compute-Communication Overlap in GPU-Accelerated Distributed Deep Learning (arXiv 2507.03114, July 2025): compute overlapped with NCCL/RCCL collectives runs 18.9% slower on average (40% at most) on A100, H100, MI250 and MI210, GPT and Llama layers",
    ),
    ...eagerExecutionSources,
    runtimeMemoryBytes: estimate("CUDA context with lazy module loading and cuBLAS workspace: ~0.5-1 GiB"),
  },
};

const pytorchCompile: SoftwareStack = {
  ...pytorchEager,
  name: "pytorch-compile",
  aliases: ["torch-compile", "compiled"],
  description:
    "PyTorch with torch.compile (Inductor) and DDP: fused pointwise kernels, compiled activation saving, fewer launches",
  activationStyle: "compiled",
  elementwiseSlowdown: 1.3,
  hostSecondsPerKernel: 6e-6,
  kernelsPerLayerForward: 12,
  hostSecondsPerMicrobatch: 2e-3,
  allocatorOverhead: 0.08,
  sources: {
    ...pytorchEager.sources,
    kernelsPerLayerForward: estimate(
      "Inductor output for a Llama-style layer: GEMMs, SDPA and a handful of Triton fusions",
    ),
    elementwiseSlowdown: estimate(
      "Inductor fuses each pointwise chain into one Triton kernel, near the fused model; 1.3x for the norm reductions it splits",
    ),
    allocatorOverhead: estimate(
      "compiled graphs keep fewer, larger buffers: ~8% assumed, between Megatron's ~5% and eager's ~10-15%",
    ),
  },
};

/** DeepSpeed runs eager PyTorch modules; what differs is ZeRO's bucketing, prefetch and engine cost. */
const deepspeed: SoftwareStack = {
  ...pytorchEager,
  name: "deepspeed",
  aliases: ["deepspeed-zero", "zero-3"],
  description:
    "DeepSpeed ZeRO with PyTorch modules: flash attention (SDPA), eager activations, bucketed reduce-scatter overlap, ZeRO-3 prefetch",
  bucketElements: 5e8 / 4,
  zero3PrefetchLayers: 1,
  hostSecondsPerMicrobatch: 5e-3,
  stepOverheadSeconds: 0.05,
  runtimeMemoryBytes: 1.0 * GiB,
  sources: {
    ...pytorchEager.sources,
    bucketElements: paper("DeepSpeed config: reduce_bucket_size default 5e8 bytes"),
    zero3PrefetchLayers: paper(
      "DeepSpeed ZeRO-3: stage3_prefetch_bucket_size prefetches the next module's parameters",
    ),
    hostSecondsPerMicrobatch: estimate("DeepSpeed engine hooks and ZeRO bookkeeping per forward/backward"),
    allocatorOverhead: estimate(
      "eager PyTorch with ZeRO-3 gathers: caching-allocator reserve ~10-15% over allocated",
    ),
  },
};

/** TorchTitan compiles each block like pytorch-compile; FSDP2 shards and gathers block by block. */
const fsdp2: SoftwareStack = {
  ...pytorchCompile,
  name: "fsdp2",
  aliases: ["torchtitan", "fsdp", "pytorch-fsdp"],
  description:
    "PyTorch FSDP2 / TorchTitan with torch.compile per block: SDPA flash attention, compiled activations, prefetching all-gathers, async TP off",
  bucketElements: 0,
  zero3PrefetchLayers: 1,
  zero3CopyOut: true,
  runtimeMemoryBytes: 1.0 * GiB,
  sources: {
    ...pytorchCompile.sources,
    zero3CopyOut: paper(
      "PyTorch torch/distributed/fsdp/_fully_shard/_fsdp_collectives.py: foreach_all_gather_copy_out splits the all-gather output into the parameters' tensors, called from FSDPParamGroup.wait_for_unshard on the compute stream",
    ),
    bucketElements: paper(
      "FSDP2 reduce-scatters each block's gradients as one collective (fully_shard per block)",
    ),
    zero3PrefetchLayers: paper(
      "FSDP2 implicit prefetch: the next block's all-gather is issued before the current block runs",
    ),
    gradReduceBytes: paper("TorchTitan default mixed_precision_reduce = float32"),
    kernelsPerLayerForward: estimate("torch.compile per block: GEMMs, SDPA and a handful of Triton fusions"),
  },
};

/** FSDP2 without torch.compile (TorchTitan with compile off, FSDP1 scripts): eager maths, FSDP's gathers. */
const fsdp2Eager: SoftwareStack = {
  ...fsdp2,
  name: "fsdp2-eager",
  aliases: ["torchtitan-eager", "fsdp-eager"],
  description:
    "PyTorch FSDP2 / TorchTitan without torch.compile: eager activations and launches, prefetching all-gathers, per-block reduce-scatter",
  activationStyle: pytorchEager.activationStyle,
  elementwiseSlowdown: pytorchEager.elementwiseSlowdown,
  hostSecondsPerKernel: pytorchEager.hostSecondsPerKernel,
  kernelsPerLayerForward: pytorchEager.kernelsPerLayerForward,
  hostSecondsPerMicrobatch: pytorchEager.hostSecondsPerMicrobatch,
  allocatorOverhead: pytorchEager.allocatorOverhead,
  sources: { ...fsdp2.sources, ...eagerExecutionSources },
};

export const STACKS: readonly SoftwareStack[] = [
  megatronCore,
  megatronBridge,
  megatronLm2021,
  megatronDeepSpeed,
  deepseek,
  metaLlama3,
  deepspeed,
  fsdp2,
  fsdp2Eager,
  pytorchEager,
  pytorchCompile,
];

export const DEFAULT_STACK: SoftwareStack = megatronCore;

/** The stack a name or alias means, or undefined. */
export function findStack(name: string): SoftwareStack | undefined {
  const wanted = name.toLowerCase();
  return STACKS.find((stack) => stack.name === wanted || stack.aliases.includes(wanted));
}

/** The software stack and the hardware constants a cluster of `accelerator` runs with. */
export function calibrationFor(
  accelerator: Pick<Accelerator, "generation">,
  stack: SoftwareStack = DEFAULT_STACK,
): { stack: SoftwareStack; hardware: HardwareCalibration } {
  return { stack, hardware: hardwareCalibrationFor(accelerator.generation) };
}
