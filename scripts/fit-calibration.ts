// Refits the calibration constants in src/catalog/stacks.ts and prints them with the fit quality.
//
// 1. GEMM and flash-attention rate curves: least squares (log time) on the measured H100 kernels in
//    data/h100-sxm-measured-ceilings.json.
// 2. The constants kernel benchmarks cannot give (src/calibration/fit.ts): one global set per
//    generation, fitted to that generation's published Megatron runs, then checked with leave-one-out:
//    each run predicted by constants fitted without it.
//
// Usage: npx tsx scripts/fit-calibration.ts
import { readFileSync } from "node:fs";
import { levenbergMarquardt } from "ml-levenberg-marquardt";
import {
  constantOf,
  type FitState,
  type FreeConstant,
  fitConstants,
  searchedLayouts,
} from "../src/calibration/fit.ts";
import { ACCELERATORS, type Generation } from "../src/catalog/accelerators.ts";
import { type HardwareCalibration, hardwareCalibrationFor } from "../src/catalog/hardware-calibrations.ts";
import { STACKS } from "../src/catalog/stacks.ts";
import { evaluateRun, stackOf } from "../src/validation/accuracy.ts";
import { REFERENCE_STACKS } from "../src/validation/cross-validation.ts";
import { PUBLISHED_RUNS } from "../src/validation/published-runs.ts";

interface GemmPoint {
  m: number;
  k: number;
  n: number;
  seconds_median: number;
}
interface FlashPoint {
  batch: number;
  heads: number;
  seq: number;
  head_dim: number;
  fwd_s: number;
  fwd_bwd_s: number;
}
const measured = JSON.parse(
  readFileSync(new URL("../data/h100-sxm-measured-ceilings.json", import.meta.url), "utf8"),
) as {
  bf16_gemm: GemmPoint[];
  flash_attention_causal_bf16: FlashPoint[];
};
const H100_BF16 = 989.4e12;

function fitCurve(
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
    {
      initialValues,
      minValues,
      maxValues,
      maxIterations: 500,
      errorTolerance: 1e-12,
    },
  );
  return result.parameterValues;
}

// 1a. GEMMs large enough that launch latency does not dominate the CUDA-event timing.
const gemms = measured.bf16_gemm.filter((g) => 2 * g.m * g.k * g.n >= 3e10);
const [maxFraction = 0, halfDim = 0, kernelMicroseconds = 0] = fitCurve(
  gemms.length,
  ([e = 0, d = 0, t0 = 0], i) => {
    const g = gemms[i] as GemmPoint;
    const eff = e * (g.m / (g.m + d)) * (g.k / (g.k + d)) * (g.n / (g.n + d));
    return (2 * g.m * g.k * g.n) / (H100_BF16 * eff) + t0 * 1e-6;
  },
  (i) => (gemms[i] as GemmPoint).seconds_median,
  [0.8, 300, 10],
  [0.3, 0, 0],
  [1, 5000, 100],
);
console.log("gemm", { maxFraction, halfDim, kernelSeconds: kernelMicroseconds * 1e-6 });

// 1b. Flash attention, causal: forward, and forward + backward (3.5x the forward work). The 2K point
// (8 x 16 heads, 2.6 ms) runs at a third of the 4K rate: launch-bound like the tiny GEMMs, left out.
const flash = measured.flash_attention_causal_bf16.filter((f) => f.seq >= 4096);
const flashFlops = (f: FlashPoint) => (4 * f.batch * f.heads * f.seq * f.seq * f.head_dim) / 2;
const fitFlash = (seconds: (f: FlashPoint) => number, work: number) =>
  fitCurve(
    flash.length,
    ([e = 0, s0 = 0], i) => {
      const f = flash[i] as FlashPoint;
      return (work * flashFlops(f)) / (H100_BF16 * e * (f.seq / (f.seq + s0)));
    },
    (i) => seconds(flash[i] as FlashPoint),
    [0.6, 1000],
    [0.1, 0],
    [1, 20000],
  );
const [forwardMaxFraction = 0, forwardHalfSeq = 0] = fitFlash((f) => f.fwd_s, 1);
const [trainingMaxFraction = 0, trainingHalfSeq = 0] = fitFlash((f) => f.fwd_bwd_s, 3.5);
console.log("flashAttention", { forwardMaxFraction, forwardHalfSeq, trainingMaxFraction, trainingHalfSeq });

// 2. Global constants per generation against the published Megatron runs (BF16, dense): the other
// stacks' runs, FP8 and mixture-of-experts runs stay out of the fit and check it.
for (const [generation, free] of [
  ["ampere", ["sustainedComputeFraction", "elementwiseBandwidthFraction"]],
  ["hopper", ["sustainedComputeFraction", "elementwiseBandwidthFraction", "tpCommOverlap"]],
] as [Generation, FreeConstant[]][]) {
  const catalog = hardwareCalibrationFor(generation);
  const hardware: HardwareCalibration =
    generation === "hopper"
      ? {
          ...catalog,
          gemm: { maxFraction, halfDim, kernelSeconds: kernelMicroseconds * 1e-6 },
          flashAttention: { forwardMaxFraction, forwardHalfSeq, trainingMaxFraction, trainingHalfSeq },
        }
      : catalog;
  const runs = PUBLISHED_RUNS.filter(
    (run) =>
      ACCELERATORS.find((a) => a.name === run.accelerator)?.generation === generation &&
      REFERENCE_STACKS.includes(stackOf(run).name) &&
      (run.precision ?? "bf16") === "bf16" &&
      !run.model.match(/mixtral|grok|deepseek/),
  );
  let state: FitState = { hardware, stacks: new Map(STACKS.map((s) => [s.name, s])) };
  // Layouts the sources left open depend on the constants: alternate search and fit until stable.
  let layouts = searchedLayouts(runs, state);
  for (let round = 0; round < 3; round++) {
    state = fitConstants(runs, state, free, layouts);
    layouts = searchedLayouts(runs, state);
  }
  console.log(
    `\n${generation}`,
    Object.fromEntries(free.map((name) => [name, Number(constantOf(state, name).toFixed(3))])),
  );
  let looSum = 0;
  for (const run of runs) {
    const loo = fitConstants(
      runs.filter((other) => other.id !== run.id),
      state,
      free,
      layouts,
    );
    const layout = layouts.get(run.id);
    const error = evaluateRun(run, {
      hardware: loo.hardware,
      stack: loo.stacks.get(stackOf(run).name) ?? stackOf(run),
      skipFreeSearch: true,
      ...(layout ? { layout } : {}),
    }).stepError;
    looSum += Math.abs(error);
    console.log(`  ${run.id.padEnd(32)} leave-one-out ${(error * 100).toFixed(1).padStart(6)}%`);
  }
  console.log(`  leave-one-out mean |error| ${((looSum / runs.length) * 100).toFixed(2)}%`);
}
