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
import {
  constantOf,
  type FitState,
  type FreeConstant,
  fitConstants,
  searchedLayouts,
} from "../src/calibration/fit.ts";
import {
  type FlashPoint,
  fitFlashCurve,
  fitGemmCurve,
  type GemmPoint,
} from "../src/calibration/kernel-curves.ts";
import { ACCELERATORS, type Generation } from "../src/catalog/accelerators.ts";
import { type HardwareCalibration, hardwareCalibrationFor } from "../src/catalog/hardware-calibrations.ts";
import { STACKS } from "../src/catalog/stacks.ts";
import { evaluateRun, stackOf } from "../src/validation/accuracy.ts";
import { REFERENCE_STACKS } from "../src/validation/cross-validation.ts";
import { PUBLISHED_RUNS } from "../src/validation/published-runs.ts";

const measured = JSON.parse(
  readFileSync(new URL("../data/h100-sxm-measured-ceilings.json", import.meta.url), "utf8"),
) as { bf16_gemm: GemmPoint[]; flash_attention_causal_bf16: FlashPoint[] };
const H100_BF16 = 989.4e12;

// 1. GEMM and flash-attention rate curves from the measured H100 kernels.
const gemmCurve = fitGemmCurve(measured.bf16_gemm, H100_BF16);
const flashCurve = fitFlashCurve(measured.flash_attention_causal_bf16, H100_BF16);
if (!gemmCurve || !flashCurve) throw new Error("the H100 ceilings file lacks GEMM or attention points");
console.log("gemm", gemmCurve);
console.log("flashAttention", flashCurve);

// 2. Global constants per generation against the published Megatron runs (BF16, dense): the other
// stacks' runs, FP8 and mixture-of-experts runs stay out of the fit and check it.
for (const [generation, free] of [
  ["ampere", ["sustainedComputeFraction", "elementwiseBandwidthFraction"]],
  ["hopper", ["sustainedComputeFraction", "elementwiseBandwidthFraction", "tpCommOverlap"]],
  ["blackwell", ["sustainedComputeFraction"]],
] as [Generation, FreeConstant[]][]) {
  const catalog = hardwareCalibrationFor(generation);
  const hardware: HardwareCalibration =
    generation === "hopper"
      ? {
          ...catalog,
          gemm: gemmCurve,
          flashAttention: flashCurve,
        }
      : catalog;
  const runs = PUBLISHED_RUNS.filter(
    (run) =>
      ACCELERATORS.find((a) => a.name === run.accelerator)?.generation === generation &&
      REFERENCE_STACKS.includes(stackOf(run).name) &&
      // Blackwell's published runs are mostly FP8 and FP4: all of them fit its one constant.
      (generation === "blackwell" || (run.precision ?? "bf16") === "bf16") &&
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
