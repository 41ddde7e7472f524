import type { Generation } from "./accelerators.ts";
import type { Source } from "./source.ts";

/**
 * What one hardware generation achieves, whatever software runs on it: kernel rate curves from
 * micro-benchmarks, the sustained share of that rate in long runs, achieved memory bandwidth, and the
 * collective bus bandwidth and latency the network reaches. Software behaviour (overlap, fusion, host
 * cost, memory habits) is the stack's (stacks.ts). Every plan on a generation uses the same values.
 */
export interface HardwareCalibration {
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
  /**
   * Sustained fraction of the micro-benchmarked math rate in a long training run (clocks under power
   * and thermal limits). Fitted to published runs.
   */
  readonly sustainedComputeFraction: number;
  /** Achieved fraction of HBM bandwidth for fused elementwise kernels (norms, activations, residuals). */
  readonly elementwiseBandwidthFraction: number;
  /** Achieved fraction of HBM bandwidth for the fused Adam step. */
  readonly optimizerBandwidthFraction: number;
  /** Large-message collective bus bandwidth as a fraction of the per-direction link rate. */
  readonly scaleUpBusFraction: number;
  readonly scaleOutBusFraction: number;
  /** Latency of one algorithm step inside the scale-up domain and across the NICs (plus switch hops). */
  readonly scaleUpLatencySeconds: number;
  readonly scaleOutLatencySeconds: number;
  /** Fixed cost of launching one collective (NCCL's base latency). */
  readonly collectiveBaseLatencySeconds: number;
  readonly sources: Readonly<Record<string, Source>>;
}

const fittedH100: Source = {
  ref: "fitted by scripts/fit-calibration.ts to data/h100-sxm-measured-ceilings.json (one H100 SXM, PyTorch 2.11, CUDA 13, 2026-11-23)",
  kind: "measured",
};

function fittedRuns(generation: string): Source {
  return {
    ref: `fitted by scripts/fit-calibration.ts: one global value over all ${generation} Megatron published runs (mean absolute log step-time error), checked by leave-one-out`,
    kind: "derived",
  };
}

const ncclTuning: Source = {
  ref: "NVIDIA/nccl src/graph/tuning.cc (v2.20.3, commit b647562): Simple protocol, Ring base latency 8.4 us; hwLat NVLINK Ring 3.4 us, NET Ring 14 us per step",
  kind: "vendor",
};
const hopper: HardwareCalibration = {
  generation: "hopper",
  description: "H100/H200/H800: kernel curves from one measured H100 SXM, sustained rate fitted to 2024 runs",
  gemm: { maxFraction: 0.7755, halfDim: 212.3, kernelSeconds: 17.43e-6 },
  flashAttention: {
    forwardMaxFraction: 0.63,
    forwardHalfSeq: 526.8,
    trainingMaxFraction: 0.5692,
    trainingHalfSeq: 1049.7,
  },
  sustainedComputeFraction: 0.709,
  elementwiseBandwidthFraction: 0.895,
  optimizerBandwidthFraction: 0.75,
  scaleUpBusFraction: 0.8,
  scaleOutBusFraction: 0.92,
  scaleUpLatencySeconds: 3.4e-6,
  scaleOutLatencySeconds: 14e-6,
  collectiveBaseLatencySeconds: 8.4e-6,
  sources: {
    gemm: fittedH100,
    flashAttention: fittedH100,
    sustainedComputeFraction: fittedRuns("Hopper"),
    elementwiseBandwidthFraction: fittedRuns("Hopper"),
    optimizerBandwidthFraction: {
      ref: "data/h100-sxm-measured-ceilings.json: fused AdamW at 2.49-2.56 TB/s of 3.35 TB/s",
      kind: "measured",
    },
    scaleUpBusFraction: {
      ref: "NVIDIA/nccl-tests#212 (2024-05-06): ~370 GB/s effective NVLink busBw of 450 GB/s line rate",
      kind: "measured",
    },
    scaleOutBusFraction: {
      ref: "NVIDIA/nccl-tests#290 (2025-03-03): 46-48 GB/s per NDR 400G NIC; NVIDIA/nccl#1649 quoting GTC24 S62129: multi-node ring ~370-380 GB/s per 8-NIC node (46 of 50 GB/s)",
      kind: "measured",
    },
    scaleUpLatencySeconds: ncclTuning,
    scaleOutLatencySeconds: ncclTuning,
    collectiveBaseLatencySeconds: ncclTuning,
  },
};

const ampere: HardwareCalibration = {
  generation: "ampere",
  description: "A100: GEMM asymptote from the best measured A100 rate, Hopper's shape terms",
  // Asymptote chosen so an 8192^3 GEMM reaches 271.2 TFLOP/s (86.9% of 312), the best A100 rate in
  // the ml-engineering maximum-achievable-matmul table (torch 2.6, CUDA 12.6); shape terms from Hopper.
  gemm: { maxFraction: 0.869 / (8192 / (8192 + 212.3)) ** 3, halfDim: 212.3, kernelSeconds: 17.4e-6 },
  flashAttention: {
    forwardMaxFraction: 0.6,
    forwardHalfSeq: 1000,
    trainingMaxFraction: 0.5,
    trainingHalfSeq: 1500,
  },
  sustainedComputeFraction: 0.938,
  elementwiseBandwidthFraction: 0.895,
  optimizerBandwidthFraction: 0.75,
  scaleUpBusFraction: 0.77,
  scaleOutBusFraction: 0.96,
  scaleUpLatencySeconds: 3.4e-6,
  scaleOutLatencySeconds: 14e-6,
  collectiveBaseLatencySeconds: 8.4e-6,
  sources: {
    gemm: {
      ref: "ml-engineering maximum achievable matmul FLOPS table (stas00, 2025): A100 SXM 271.2 TFLOP/s BF16; shape terms from the H100 fit",
      kind: "derived",
    },
    flashAttention: {
      ref: "estimate: no A100 flash-attention measurement in data/; set below Hopper's measured curve (the Megatron-LM 2021 runs use unfused attention and do not check it)",
      kind: "estimate",
    },
    sustainedComputeFraction: fittedRuns("Ampere"),
    elementwiseBandwidthFraction: fittedRuns("Ampere"),
    scaleUpBusFraction: {
      ref: "nccl-tests#175: 8x A100 all-reduce 232.5 GB/s busBw of 300 GB/s",
      kind: "measured",
    },
    scaleOutBusFraction: {
      ref: "NVIDIA/nccl#812 (2023-03-31): 192 GB/s all-reduce busBw over 8x HDR 200G",
      kind: "measured",
    },
    scaleUpLatencySeconds: ncclTuning,
    scaleOutLatencySeconds: ncclTuning,
    collectiveBaseLatencySeconds: ncclTuning,
  },
};

/** Generations without published runs to check against borrow Hopper's measured fractions. */
// GB200's best measured BF16 GEMM: 1,822.0 TFLOP/s at 4096 x 9728 x 2048 (ml-engineering MAMF table).
// With Hopper's shape terms that shape reaches 0.843 of the asymptote; over the 2,450 dense peak:
const GB200_MAMF_FRACTION = 1822.0 / 2450;
const GB200_MAMF_SHAPE = [4096, 9728, 2048] as const;

/**
 * B200/B300/GB200/GB300: the GEMM asymptote from GB200's published best GEMM rate, Hopper's shape
 * terms, attention curve and link efficiencies; the sustained share fitted to the published runs.
 */
const blackwell: HardwareCalibration = {
  ...hopper,
  generation: "blackwell",
  description:
    "B200/B300/GB200/GB300: GEMM asymptote from GB200's measured best rate, Hopper's shape terms and attention curve; sustained rate fitted to 18 published GB200/GB300 runs",
  gemm: {
    ...hopper.gemm,
    maxFraction:
      GB200_MAMF_FRACTION / GB200_MAMF_SHAPE.reduce((share, d) => share * (d / (d + hopper.gemm.halfDim)), 1),
  },
  sustainedComputeFraction: 0.622,
  sources: {
    ...hopper.sources,
    gemm: {
      ref: "ml-engineering compute/accelerator/README.md, Maximum Achievable Matmul FLOPS table (stas00, 2025-26): GB200 SXM 1,822.0 TFLOP/s BF16 at 4096x9728x2048 (torch 2.10 nightly, CUDA 13.0); B200 1,745.0, B300 1,769.0; shape terms from the H100 fit",
      kind: "measured",
    },
    flashAttention: {
      ref: "H100 curve shape applied (no Blackwell kernel measurement in data/)",
      kind: "estimate",
    },
    sustainedComputeFraction: {
      ref: "fitted by scripts/fit-calibration.ts over the 18 Blackwell runs in validate (Megatron-Bridge 26.04.01, DGX Cloud, MLPerf v5.0; BF16, FP8, MXFP8, NVFP4); leave-one-out mean 8.9%",
      kind: "derived",
    },
  },
};

function borrowedFromHopper(generation: "cdna3" | "cdna4"): HardwareCalibration {
  return {
    ...hopper,
    generation,
    description: `${generation}: Hopper's measured fractions applied (estimate, unvalidated)`,
  };
}

export const HARDWARE_CALIBRATIONS: readonly HardwareCalibration[] = [
  hopper,
  ampere,
  blackwell,
  borrowedFromHopper("cdna3"),
  borrowedFromHopper("cdna4"),
];

export function hardwareCalibrationFor(generation: Generation): HardwareCalibration {
  const found = HARDWARE_CALIBRATIONS.find((candidate) => candidate.generation === generation);
  if (!found) throw new Error(`no hardware calibration for generation ${generation}`);
  return found;
}
