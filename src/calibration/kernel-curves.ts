import { levenbergMarquardt } from "ml-levenberg-marquardt";
import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";

// Rate curves refitted from measured kernels (a measurement file of tools/measure/measure.py, or the
// project's data/h100-sxm-measured-ceilings.json): least squares on log time.

export interface GemmPoint {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly seconds_median: number;
}

export interface FlashPoint {
  readonly batch: number;
  readonly heads: number;
  readonly seq: number;
  readonly head_dim: number;
  readonly fwd_s: number;
  readonly fwd_bwd_s: number;
}

/** Bounded least squares of log(predicted) against log(observed) over `count` points. */
export function fitLogCurve(
  count: number,
  predict: (params: number[], index: number) => number,
  observed: (index: number) => number,
  initialValues: number[],
  minValues: number[],
  maxValues: number[],
): number[] {
  const x = Array.from({ length: count }, (_, i) => i);
  const y = x.map((i) => Math.log(observed(i)));
  const result = levenbergMarquardt(
    { x, y },
    (params: number[]) => (i: number) => Math.log(predict(params, i)),
    { initialValues, minValues, maxValues, maxIterations: 500, errorTolerance: 1e-12 },
  );
  return result.parameterValues;
}

/** GEMMs large enough that launch latency does not dominate the CUDA-event timing. */
const MIN_GEMM_FLOPS = 3e10;

/** The GEMM curve: peak x maxFraction x prod d/(d + halfDim), plus a fixed cost per kernel. */
export function fitGemmCurve(
  points: readonly GemmPoint[],
  peakFlops: number,
): HardwareCalibration["gemm"] | undefined {
  const gemms = points.filter((g) => 2 * g.m * g.k * g.n >= MIN_GEMM_FLOPS && g.seconds_median > 0);
  if (gemms.length < 3) return undefined;
  const [maxFraction = 0, halfDim = 0, kernelMicroseconds = 0] = fitLogCurve(
    gemms.length,
    ([e = 0, d = 0, t0 = 0], i) => {
      const g = gemms[i] as GemmPoint;
      const efficiency = e * (g.m / (g.m + d)) * (g.k / (g.k + d)) * (g.n / (g.n + d));
      return (2 * g.m * g.k * g.n) / (peakFlops * efficiency) + t0 * 1e-6;
    },
    (i) => (gemms[i] as GemmPoint).seconds_median,
    [0.8, 300, 10],
    [0.3, 0, 0],
    [1, 5000, 100],
  );
  return { maxFraction, halfDim, kernelSeconds: kernelMicroseconds * 1e-6 };
}

/**
 * Causal flash attention: forward, and forward + backward (3.5x the forward work). Sequences under
 * 4K are launch-bound like the tiny GEMMs and left out.
 */
export function fitFlashCurve(
  points: readonly FlashPoint[],
  peakFlops: number,
): HardwareCalibration["flashAttention"] | undefined {
  const flash = points.filter((f) => f.seq >= 4096 && f.fwd_s > 0 && f.fwd_bwd_s > 0);
  if (flash.length < 2) return undefined;
  const flops = (f: FlashPoint) => (4 * f.batch * f.heads * f.seq * f.seq * f.head_dim) / 2;
  const fit = (seconds: (f: FlashPoint) => number, work: number) =>
    fitLogCurve(
      flash.length,
      ([e = 0, s0 = 0], i) => {
        const f = flash[i] as FlashPoint;
        return (work * flops(f)) / (peakFlops * e * (f.seq / (f.seq + s0)));
      },
      (i) => seconds(flash[i] as FlashPoint),
      [0.6, 1000],
      [0.1, 0],
      [1, 20000],
    );
  const [forwardMaxFraction = 0, forwardHalfSeq = 0] = fit((f) => f.fwd_s, 1);
  const [trainingMaxFraction = 0, trainingHalfSeq = 0] = fit((f) => f.fwd_bwd_s, 3.5);
  return { forwardMaxFraction, forwardHalfSeq, trainingMaxFraction, trainingHalfSeq };
}
