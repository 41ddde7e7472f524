import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";
import type { SoftwareStack } from "../catalog/stacks.ts";
import type { Layout } from "../parallel/layout.ts";
import { stepSecondsOf } from "../parallel/plan.ts";
import { evaluateRun, publishedRunInput, publishedStepSeconds, stackOf } from "../validation/accuracy.ts";
import type { PublishedRun } from "../validation/published-runs.ts";

// The constants kernel benchmarks cannot give, fitted to published runs: one global set per hardware
// generation (sustained compute fraction, fused-elementwise bandwidth fraction) and, for Megatron-Core,
// the hidden share of TP communication. Minimises the mean absolute log step-time error (weight 1 for
// stated setups, 0.5 for partly inferred ones) by coordinate descent within physical bounds.

export type FreeConstant = "sustainedComputeFraction" | "elementwiseBandwidthFraction" | "tpCommOverlap";

export const BOUNDS: Record<FreeConstant, readonly [number, number]> = {
  sustainedComputeFraction: [0.6, 1],
  // Up to the measured device-to-device copy rate, 2,997.6 of 3,350 GB/s.
  elementwiseBandwidthFraction: [0.2, 0.895],
  tpCommOverlap: [0, 0.9],
};

export interface FitState {
  readonly hardware: HardwareCalibration;
  /** Overrides of the software constants, by stack name. */
  readonly stacks: ReadonlyMap<string, SoftwareStack>;
}

function evaluate(run: PublishedRun, state: FitState, layouts: ReadonlyMap<string, Layout>) {
  const catalog = stackOf(run);
  const stack = state.stacks.get(catalog.name) ?? catalog;
  const layout = layouts.get(run.id);
  return evaluateRun(run, {
    stack,
    hardware: state.hardware,
    skipFreeSearch: true,
    ...(layout ? { layout } : {}),
  });
}

export function fitObjective(
  runs: readonly PublishedRun[],
  state: FitState,
  layouts: ReadonlyMap<string, Layout>,
) {
  let sum = 0;
  let weights = 0;
  for (const run of runs) {
    const error = Math.log(1 + stepErrorOf(run, state, layouts));
    const weight = run.confidence === "stated" ? 1 : 0.5;
    // Absolute, not squared: one run whose setup is uncertain should not drag the whole fit.
    sum += weight * Math.abs(error);
    weights += weight;
  }
  return weights > 0 ? sum / weights : 0;
}

/** evaluate(...).stepError, priced by the step alone once the layout is settled (a fit's inner loop). */
function stepErrorOf(run: PublishedRun, state: FitState, layouts: ReadonlyMap<string, Layout>): number {
  const layout = layouts.get(run.id);
  if (!layout) return evaluate(run, state, layouts).stepError;
  const catalog = stackOf(run);
  const stack = state.stacks.get(catalog.name) ?? catalog;
  const input = publishedRunInput(run, { stack, hardware: state.hardware });
  return stepSecondsOf({ ...input, layout }) / publishedStepSeconds(run, layout.recompute) - 1;
}

/** The minimum of a unimodal f on [lo, hi]: golden-section search, one new evaluation per iteration. */
function goldenSection(f: (x: number) => number, lo: number, hi: number, iterations: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iterations; i++) {
    // The golden ratio makes the kept inner point the next interval's other inner point.
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

function withConstant(state: FitState, name: FreeConstant, value: number): FitState {
  if (name !== "tpCommOverlap") return { ...state, hardware: { ...state.hardware, [name]: value } };
  const stacks = new Map(state.stacks);
  const megatron = stacks.get("megatron-core");
  if (megatron) stacks.set("megatron-core", { ...megatron, tpCommOverlap: value });
  return { ...state, stacks };
}

export function constantOf(state: FitState, name: FreeConstant): number {
  if (name !== "tpCommOverlap") return state.hardware[name];
  return state.stacks.get("megatron-core")?.tpCommOverlap ?? 0;
}

/** The layouts the search picks for the fields a source left open, under `state`'s constants. */
export function searchedLayouts(runs: readonly PublishedRun[], state: FitState): Map<string, Layout> {
  return new Map(runs.map((run) => [run.id, evaluate(run, state, new Map()).plan.layout]));
}

export function fitConstants(
  runs: readonly PublishedRun[],
  start: FitState,
  free: readonly FreeConstant[],
  layouts: ReadonlyMap<string, Layout>,
  options: { sweeps?: number; iterations?: number } = {},
): FitState {
  let state = start;
  for (let sweep = 0; sweep < (options.sweeps ?? 4); sweep++) {
    for (const name of free) {
      const [lo, hi] = BOUNDS[name];
      const best = goldenSection(
        (x) => fitObjective(runs, withConstant(state, name, x), layouts),
        lo,
        hi,
        options.iterations ?? 30,
      );
      state = withConstant(state, name, best);
    }
  }
  return state;
}
