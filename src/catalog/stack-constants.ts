import { GiB } from "../units.ts";
import type { HardwareCalibration } from "./hardware-calibrations.ts";
import type { SoftwareStack } from "./stacks.ts";

/**
 * The numeric constants a stack file may set and `gigacluster calibrate` may fit: one table for the
 * scenario schema's bounds, the fit's bounds and the report's labels. The bounds are physical: a
 * fraction of a rate stays in (0, 1], a latency between a PCIe round trip and a congested fabric's.
 */
export interface TunableConstant {
  /** Where the constant lives: the software stack, or the hardware generation's calibration. */
  readonly section: "stack" | "hardware";
  readonly name: keyof SoftwareStack | keyof HardwareCalibration;
  readonly title: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
  /** Searched on a log scale (latencies, host costs spanning orders of magnitude). */
  readonly logScale: boolean;
  /** Determined by peak memory rather than step time. */
  readonly memory: boolean;
}

const constant = (
  section: TunableConstant["section"],
  name: TunableConstant["name"],
  title: string,
  description: string,
  [min, max]: readonly [number, number],
  options: { unit?: string; logScale?: boolean; memory?: boolean } = {},
): TunableConstant => ({
  section,
  name,
  title,
  description,
  min,
  max,
  logScale: options.logScale ?? false,
  memory: options.memory ?? false,
  ...(options.unit ? { unit: options.unit } : {}),
});

export const TUNABLE_CONSTANTS: readonly TunableConstant[] = [
  constant(
    "hardware",
    "sustainedComputeFraction",
    "Sustained math fraction",
    "Share of the micro-benchmarked GEMM and attention rate a long run sustains (clocks under the power cap).",
    [0.3, 1],
  ),
  constant(
    "hardware",
    "elementwiseBandwidthFraction",
    "Elementwise bandwidth fraction",
    "Share of HBM bandwidth fused norms, activations and residuals reach.",
    [0.1, 0.95],
  ),
  constant(
    "hardware",
    "optimizerBandwidthFraction",
    "Optimizer bandwidth fraction",
    "Share of HBM bandwidth the Adam step reaches.",
    [0.1, 0.95],
  ),
  constant(
    "hardware",
    "scaleUpBusFraction",
    "Scale-up bus bandwidth fraction",
    "Large-message collective bus bandwidth inside the NVLink domain, as a share of the link rate.",
    [0.2, 0.95],
  ),
  constant(
    "hardware",
    "scaleOutBusFraction",
    "Scale-out bus bandwidth fraction",
    "Large-message collective bus bandwidth over the NICs, as a share of the line rate.",
    [0.1, 0.98],
  ),
  constant(
    "hardware",
    "scaleUpLatencySeconds",
    "Scale-up step latency",
    "Latency of one collective algorithm step inside the NVLink domain.",
    [0.5e-6, 50e-6],
    { unit: "s", logScale: true },
  ),
  constant(
    "hardware",
    "scaleOutLatencySeconds",
    "Scale-out step latency",
    "Latency of one collective algorithm step across the NICs and switches.",
    [1e-6, 500e-6],
    { unit: "s", logScale: true },
  ),
  constant(
    "stack",
    "tpCommOverlap",
    "TP communication overlap",
    "Share of tensor-parallel collectives inside the scale-up domain hidden behind GEMMs.",
    [0, 0.95],
  ),
  constant(
    "stack",
    "expertCommOverlap",
    "Expert communication overlap",
    "Share of MoE dispatch and combine hidden behind computation.",
    [0, 1],
  ),
  constant(
    "stack",
    "overlapComputeTax",
    "Overlap compute tax",
    "Compute time lost per second of communication hidden under it (SMs and HBM shared).",
    [0, 0.5],
  ),
  constant(
    "stack",
    "elementwiseSlowdown",
    "Elementwise slowdown",
    "Time of norms, activations and residuals over the fused-kernel model (eager PyTorch: ~3).",
    [0.5, 10],
  ),
  constant(
    "stack",
    "hostSecondsPerKernel",
    "Host seconds per kernel",
    "CPU time to issue one GPU kernel: dispatcher, autograd and launch.",
    [0.5e-6, 100e-6],
    { unit: "s", logScale: true },
  ),
  constant(
    "stack",
    "hostSecondsPerMicrobatch",
    "Host seconds per micro-batch",
    "CPU time per micro-batch outside the layers: input, embedding, loss, schedule bookkeeping.",
    [1e-5, 0.1],
    { unit: "s", logScale: true },
  ),
  constant(
    "stack",
    "stepOverheadSeconds",
    "Step overhead",
    "Fixed time per step outside the model: data loading, logging, gradient norm, optimizer launches.",
    [1e-3, 10],
    { unit: "s", logScale: true },
  ),
  constant(
    "stack",
    "runtimeMemoryBytes",
    "Runtime memory",
    "CUDA context, library workspaces and the stack's own buffers, per GPU.",
    [0.1 * GiB, 16 * GiB],
    { unit: "bytes", logScale: true, memory: true },
  ),
  constant(
    "stack",
    "allocatorOverhead",
    "Allocator reserve",
    "Caching-allocator reserve over live tensors, as a share of the dynamic memory.",
    [0, 0.6],
    { memory: true },
  ),
];

export function tunableConstant(name: string): TunableConstant | undefined {
  return TUNABLE_CONSTANTS.find((c) => c.name === name);
}
