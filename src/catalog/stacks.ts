import type { Generation } from "./accelerators.ts";
import type { Source } from "./source.ts";

/**
 * Efficiency constants of one hardware generation running one software stack. They are global: every
 * plan on that generation and stack uses the same values, and none is tuned to a single published run.
 * How each was obtained is in its source; scripts/fit-calibration.ts refits the measured ones.
 */
export interface StackCalibration {
  readonly name: string;
  readonly generation: Generation;
  readonly description: string;
  /** GEMM rate = peak x maxFraction x prod over m,k,n of d/(d + halfDim), plus a per-kernel cost. */
  readonly gemm: { readonly maxFraction: number; readonly halfDim: number; readonly kernelSeconds: number };
  /** Fused (flash) attention rate = peak x maxFraction x s/(s + halfSeq), s = key length. */
  readonly flashAttention: {
    readonly forwardMaxFraction: number;
    readonly forwardHalfSeq: number;
    readonly trainingMaxFraction: number;
    readonly trainingHalfSeq: number;
  };
  readonly attentionKernel: "flash" | "unfused";
  /**
   * Sustained fraction of the micro-benchmarked math rate in a long training run (clocks under
   * power and thermal limits, contention with communication kernels). Fitted to published runs.
   */
  readonly sustainedComputeFraction: number;
  /** Achieved fraction of HBM bandwidth for fused elementwise kernels (norms, activations, residuals). */
  readonly elementwiseBandwidthFraction: number;
  /** Achieved fraction of HBM bandwidth for the fused Adam step. */
  readonly optimizerBandwidthFraction: number;
  /** Achieved collective bus bandwidth as a fraction of the per-direction link rate. */
  readonly scaleUpBusFraction: number;
  readonly scaleOutBusFraction: number;
  readonly scaleUpLatencySeconds: number;
  readonly scaleOutLatencySeconds: number;
  /** Fraction of tensor-parallel collectives hidden behind GEMMs (userbuffers-style overlap). */
  readonly tpOverlapFraction: number;
  /** Fraction of MoE all-to-all (dispatch and combine) hidden behind computation. */
  readonly expertCommOverlapFraction: number;
  /** Fraction of the overlap window (first forward / last backward) that DP collectives can use. */
  readonly dpOverlapFraction: number;
  /** Bytes per gradient element in the data-parallel reduction. */
  readonly gradReduceBytes: number;
  /** Fixed time per iteration outside the model: data loading, loss logging, launch gaps. */
  readonly stepOverheadSeconds: number;
  /** CUDA context, communicator buffers, workspaces and allocator slack, per GPU. */
  readonly frameworkMemoryBytes: number;
  readonly sources: Readonly<Record<string, Source>>;
}

const fittedH100: Source = {
  ref: "fitted by scripts/fit-calibration.ts to data/h100-sxm-measured-ceilings.json (one H100 SXM, PyTorch 2.11, CUDA 13, 2026-11-23)",
  kind: "measured",
};

function fittedRuns(stack: string): Source {
  return {
    ref: `fitted by scripts/fit-calibration.ts: one global value over all ${stack} published runs (mean absolute log step-time error), checked by leave-one-out`,
    kind: "derived",
  };
}

function nccl(ref: string): Source {
  return { ref, kind: "measured" };
}

const hopper: StackCalibration = {
  name: "hopper-2024",
  generation: "hopper",
  description:
    "H100/H200 with 2024-era software (Megatron-Core, Transformer Engine, or Meta's stack): flash attention, fused kernels, TP/DP/PP overlap",
  gemm: { maxFraction: 0.7755, halfDim: 212.3, kernelSeconds: 17.43e-6 },
  flashAttention: {
    forwardMaxFraction: 0.63,
    forwardHalfSeq: 526.8,
    trainingMaxFraction: 0.5692,
    trainingHalfSeq: 1049.7,
  },
  attentionKernel: "flash",
  sustainedComputeFraction: 0.736,
  elementwiseBandwidthFraction: 0.739,
  optimizerBandwidthFraction: 0.75,
  scaleUpBusFraction: 0.8,
  scaleOutBusFraction: 0.8,
  scaleUpLatencySeconds: 10e-6,
  scaleOutLatencySeconds: 20e-6,
  tpOverlapFraction: 0.9,
  expertCommOverlapFraction: 0,
  dpOverlapFraction: 0.9,
  gradReduceBytes: 4,
  stepOverheadSeconds: 0.02,
  frameworkMemoryBytes: 3 * 1024 ** 3,
  sources: {
    gemm: fittedH100,
    flashAttention: fittedH100,
    sustainedComputeFraction: fittedRuns("hopper-2024"),
    elementwiseBandwidthFraction: fittedRuns("hopper-2024"),
    tpOverlapFraction: fittedRuns("hopper-2024"),
    expertCommOverlapFraction: {
      ref: "Megatron-Core 2024 default: MoE all-to-all runs between computations, not overlapped",
      kind: "estimate",
    },
    optimizerBandwidthFraction: {
      ref: "data/h100-sxm-measured-ceilings.json: fused AdamW at 2.49-2.56 TB/s of 3.35 TB/s",
      kind: "measured",
    },
    scaleUpBusFraction: nccl(
      "NVIDIA/nccl-tests#212 (2024-05-06): ~370 GB/s effective NVLink busBw of 450 GB/s line rate",
    ),
    scaleOutBusFraction: nccl(
      "NVIDIA/nccl-tests#290 (2025-03-03): 46-48 GB/s per NDR 400G NIC; 40 of 50 GB/s taken",
    ),
    dpOverlapFraction: {
      ref: "Megatron --overlap-grad-reduce/--overlap-param-gather: bucketed, most of the window usable",
      kind: "estimate",
    },
    stepOverheadSeconds: { ref: "data loading, logging and launch gaps per iteration", kind: "estimate" },
    frameworkMemoryBytes: {
      ref: "CUDA context, NCCL buffers, cuBLAS workspaces, allocator slack",
      kind: "estimate",
    },
  },
};

const ampere: StackCalibration = {
  name: "ampere-megatron-2021",
  generation: "ampere",
  description:
    "A100 with Megatron-LM as of 2021-2022: unfused softmax attention, fused bias/GeLU/dropout kernels, no TP or DP overlap",
  // Asymptote chosen so an 8192^3 GEMM reaches 271.2 TFLOP/s (86.9% of 312), the best A100 rate in
  // the ml-engineering maximum-achievable-matmul table (torch 2.6, CUDA 12.6); shape terms from Hopper.
  gemm: { maxFraction: 0.869 / (8192 / (8192 + 212.3)) ** 3, halfDim: 212.3, kernelSeconds: 17.4e-6 },
  flashAttention: {
    forwardMaxFraction: 0.6,
    forwardHalfSeq: 1000,
    trainingMaxFraction: 0.5,
    trainingHalfSeq: 1500,
  },
  attentionKernel: "unfused",
  sustainedComputeFraction: 0.943,
  elementwiseBandwidthFraction: 0.895,
  optimizerBandwidthFraction: 0.75,
  scaleUpBusFraction: 0.77,
  scaleOutBusFraction: 0.96,
  scaleUpLatencySeconds: 10e-6,
  scaleOutLatencySeconds: 20e-6,
  tpOverlapFraction: 0,
  expertCommOverlapFraction: 0,
  dpOverlapFraction: 0,
  gradReduceBytes: 4,
  stepOverheadSeconds: 0.02,
  frameworkMemoryBytes: 3 * 1024 ** 3,
  sources: {
    gemm: {
      ref: "ml-engineering maximum achievable matmul FLOPS table (stas00, 2025): A100 SXM 271.2 TFLOP/s BF16; shape terms from the H100 fit",
      kind: "derived",
    },
    sustainedComputeFraction: fittedRuns("ampere-megatron-2021"),
    elementwiseBandwidthFraction: fittedRuns("ampere-megatron-2021"),
    scaleUpBusFraction: nccl("nccl-tests#175: 8x A100 all-reduce 232.5 GB/s busBw of 300 GB/s"),
    scaleOutBusFraction: nccl("NVIDIA/nccl#812 (2023-03-31): 192 GB/s all-reduce busBw over 8x HDR 200G"),
    tpOverlapFraction: { ref: "Megatron-LM 2021 had no TP communication overlap", kind: "paper" },
    dpOverlapFraction: {
      ref: "Megatron-LM 2021 all-reduced gradients after the backward pass",
      kind: "paper",
    },
  },
};

/** Generations without published runs to check against borrow Hopper's software fractions. */
function borrowedFromHopper(generation: "blackwell" | "cdna3", name: string): StackCalibration {
  return {
    ...hopper,
    name,
    generation,
    description: `${generation} with 2024-era software: Hopper's measured fractions applied (estimate, unvalidated)`,
  };
}

/**
 * DeepSeek's own H800 stack (DeepSeek-V3 report, section 3.2): DualPipe overlaps the MoE all-to-all
 * with computation completely. Everything else is Hopper's calibration.
 */
const hopperDeepSeek: StackCalibration = {
  ...hopper,
  name: "hopper-deepseek-2024",
  description: "H800 with DeepSeek's DualPipe stack: expert all-to-all fully overlapped with computation",
  expertCommOverlapFraction: 1,
  sources: {
    ...hopper.sources,
    expertCommOverlapFraction: {
      ref: "DeepSeek-V3 report (arXiv 2412.19437) section 3.2.1: DualPipe achieves full computation-communication overlap",
      kind: "paper",
    },
  },
};

export const STACKS: readonly StackCalibration[] = [
  hopper,
  hopperDeepSeek,
  ampere,
  borrowedFromHopper("blackwell", "blackwell-2025"),
  borrowedFromHopper("cdna3", "cdna3-2024"),
];

export function defaultStackFor(generation: Generation): StackCalibration {
  const stack = STACKS.find((candidate) => candidate.generation === generation);
  if (!stack) throw new Error(`no calibration for generation ${generation}`);
  return stack;
}
