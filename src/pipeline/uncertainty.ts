import { xoroshiro128plus } from "pure-rand";
import type { SimulationResult } from "../reliability/simulate.ts";
import { normalizeScenario } from "../scenario/normalize.ts";
import { findUncertain, quantile, type UncertainInput, withValues } from "../scenario/uncertain-values.ts";
import { planScenario, type ScenarioPlan } from "./plan.ts";
import { simulateScenario, withTrials } from "./simulate.ts";

// The analysis samples every uncertain input together for P10/P50/P90 of each result, and swings each
// alone from its P10 to its P90 (the others at their medians) to rank which input moves each result most.

/** Samples and seed when the scenario's uncertainty section leaves them out. */
const DEFAULT_SAMPLES = 64;
const DEFAULT_SEED = 1;

/** Trials per sample: enough for a mean, few enough for dozens of samples. */
const TRIALS_PER_SAMPLE = 100;

/** The results an uncertain scenario reports with P10/P50/P90, from one plan (and its run). */
function resultsOf(
  plan: ScenarioPlan,
  run: SimulationResult | undefined,
): Record<string, number | undefined> {
  const b = plan.buildout.stated ? plan.buildout.result : undefined;
  return {
    "days uninterrupted": plan.plan.training?.days,
    "days with failures (mean)": run?.days.mean,
    "goodput (mean)": run?.goodput.mean,
    "tokens/s": plan.plan.throughput.tokensPerSecond,
    "capex ($)": b?.cost.capexUsd,
    "$ per GPU-hour": b?.cost.usdPerGpuHour,
    "facility MW": b?.power.facilityMegawatts,
    "energy MWh (mean)": run?.energyMegawattHours.mean,
  };
}

/** P10/P50/P90 and sensitivities of a scenario whose inputs include ranges or distributions. */
export function planUncertainty(
  raw: unknown,
  inputs: readonly UncertainInput[],
  options: {
    readonly samples: number;
    readonly seed: number;
    readonly onProgress?: (done: number, total: number) => void;
  },
): UncertaintyResult {
  // Inputs that only touch reliability, checkpoints or the simulation do not change the plan: reuse it.
  const plans = new Map<string, ScenarioPlan>();
  const evaluate = (scenarioValue: unknown) => {
    const {
      reliability: _r,
      checkpoint: _c,
      simulation: _s,
      ...planning
    } = scenarioValue as Record<string, unknown>;
    const key = JSON.stringify(planning);
    const scenario = normalizeScenario(scenarioValue);
    let plan = plans.get(key);
    if (!plan) {
      plan = planScenario(scenario);
      plans.set(key, plan);
    }
    const run = plan.plan.training
      ? simulateScenario(withTrials(scenario, TRIALS_PER_SAMPLE), plan)
      : undefined;
    return resultsOf(plan, run);
  };
  return analyzeUncertainty(raw, inputs, evaluate, options);
}

/** The uncertainty analysis of a scenario file, with its own sampling settings; none without ranges. */
export function uncertaintyOf(
  raw: unknown,
  onProgress?: (done: number, total: number) => void,
): UncertaintyResult | undefined {
  const inputs = findUncertain(raw);
  if (inputs.length === 0) return undefined;
  const sampling = (raw as { uncertainty?: { samples?: number; seed?: number } }).uncertainty;
  return planUncertainty(raw, inputs, {
    samples: sampling?.samples ?? DEFAULT_SAMPLES,
    seed: sampling?.seed ?? DEFAULT_SEED,
    ...(onProgress ? { onProgress } : {}),
  });
}

export interface UncertaintyResult {
  readonly samples: number;
  readonly seed: number;
  readonly inputs: readonly {
    readonly path: string;
    readonly p10: number;
    readonly p50: number;
    readonly p90: number;
  }[];
  readonly outputs: Readonly<
    Record<string, { readonly p10: number; readonly p50: number; readonly p90: number }>
  >;
  /** For each result, the inputs ordered by how far their P10-to-P90 swing moves it. */
  readonly sensitivity: Readonly<
    Record<
      string,
      readonly {
        readonly input: string;
        readonly atP10: number;
        readonly atP90: number;
        readonly swing: number;
      }[]
    >
  >;
}

export function analyzeUncertainty(
  raw: unknown,
  inputs: readonly UncertainInput[],
  evaluate: (scenario: unknown) => Readonly<Record<string, number | undefined>>,
  options: {
    readonly samples: number;
    readonly seed: number;
    readonly onProgress?: (done: number, total: number) => void;
  },
): UncertaintyResult {
  // Every sample, then each input alone at its P10 and its P90.
  const evaluations = options.samples + 2 * inputs.length;
  let evaluated = 0;
  const evaluateCounted = (scenario: unknown) => {
    const result = evaluate(scenario);
    options.onProgress?.(++evaluated, evaluations);
    return result;
  };
  const medians = new Map(inputs.map((i) => [i.path, quantile(i.distribution, 0.5)]));
  const rng = xoroshiro128plus(options.seed);
  const draws: Record<string, number[]> = {};
  for (let s = 0; s < options.samples; s++) {
    const values = new Map(
      inputs.map((i) => [i.path, quantile(i.distribution, ((rng.unsafeNext() >>> 0) + 0.5) / 4294967296)]),
    );
    for (const [name, value] of Object.entries(evaluateCounted(withValues(raw, values)))) {
      if (value === undefined || !Number.isFinite(value)) continue;
      const list = draws[name] ?? [];
      list.push(value);
      draws[name] = list;
    }
  }
  const percentile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  };
  const outputs = Object.fromEntries(
    Object.entries(draws).map(([name, values]) => [
      name,
      { p10: percentile(values, 0.1), p50: percentile(values, 0.5), p90: percentile(values, 0.9) },
    ]),
  );
  const swings = inputs.map((input) => {
    const at = (p: number) =>
      evaluateCounted(withValues(raw, new Map([...medians, [input.path, quantile(input.distribution, p)]])));
    return { input: input.path, low: at(0.1), high: at(0.9) };
  });
  const sensitivity = Object.fromEntries(
    Object.keys(outputs).map((name) => [
      name,
      swings
        .map((s) => {
          const atP10 = s.low[name] ?? Number.NaN;
          const atP90 = s.high[name] ?? Number.NaN;
          return { input: s.input, atP10, atP90, swing: Math.abs(atP90 - atP10) };
        })
        .filter((s) => Number.isFinite(s.swing))
        .sort((x, y) => y.swing - x.swing),
    ]),
  );
  return {
    samples: options.samples,
    seed: options.seed,
    inputs: inputs.map((i) => ({
      path: i.path,
      p10: quantile(i.distribution, 0.1),
      p50: quantile(i.distribution, 0.5),
      p90: quantile(i.distribution, 0.9),
    })),
    outputs,
    sensitivity,
  };
}
