import type { SimulationResult } from "../reliability/simulate.ts";
import { normalizeScenario } from "./normalize.ts";
import { planScenario, type ScenarioPlan } from "./plan-scenario.ts";
import { simulateScenario, withTrials } from "./simulate-scenario.ts";
import {
  analyzeUncertainty,
  findUncertain,
  type UncertainInput,
  type UncertaintyResult,
} from "./uncertainty.ts";

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
