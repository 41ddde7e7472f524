// The generator alone: the package root loads all of pure-rand (about 20 modules) at start-up.
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";
import { InfeasibleError, InputError } from "../errors.ts";
import { limitText, MAX_UNCERTAINTY_SAMPLES } from "../limits.ts";
import type { SimulationResult } from "../reliability/simulate.ts";
import { normalizeScenario } from "../scenario/normalize.ts";
import {
  findUncertain,
  quantile,
  SEARCH_RANGE_FIELDS,
  type UncertainInput,
  withValues,
} from "../scenario/uncertain-values.ts";
import { type Progress, plannerThreads, THREADED_UNCERTAINTY_SCENARIOS, type Threads } from "../tasks.ts";
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

/**
 * The results of one sampled scenario: its plan and, with a token budget, its run. Inputs that only
 * touch reliability, checkpoints or the simulation do not change the plan, so each evaluator reuses its
 * plans (or the reason one failed, rather than searching again); any evaluator gives the same numbers.
 */
export function planEvaluator(): (scenarioValue: unknown) => Results {
  const plans = new Map<string, ScenarioPlan | Error>();
  return (scenarioValue) => {
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
      try {
        plan = planScenario(scenario, undefined, { bestOnly: true });
      } catch (error) {
        if (!(error instanceof InfeasibleError || error instanceof InputError)) throw error;
        plan = error;
      }
      plans.set(key, plan);
    }
    if (plan instanceof Error) throw plan;
    const run = plan.plan.training
      ? simulateScenario(withTrials(scenario, TRIALS_PER_SAMPLE), plan, undefined, { recoverySummary: false })
      : undefined;
    return resultsOf(plan, run);
  };
}

export interface SamplingOptions {
  readonly samples: number;
  readonly seed: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** P10/P50/P90 and sensitivities of a scenario whose inputs include ranges or distributions. */
export function planUncertainty(
  raw: unknown,
  inputs: readonly UncertainInput[],
  options: SamplingOptions,
): UncertaintyResult {
  return analyzeUncertainty(raw, inputs, planEvaluator(), options);
}

/** A scenario file's own sampling settings (its uncertainty section), with the defaults. */
export function samplingOf(raw: unknown): { readonly samples: number; readonly seed: number } {
  const sampling = (raw as { uncertainty?: { samples?: number; seed?: number } }).uncertainty;
  return { samples: sampling?.samples ?? DEFAULT_SAMPLES, seed: sampling?.seed ?? DEFAULT_SEED };
}

/** The uncertainty analysis of a scenario file, with its own sampling settings; none without ranges. */
export function uncertaintyOf(
  raw: unknown,
  onProgress?: (done: number, total: number) => void,
): UncertaintyResult | undefined {
  const inputs = findUncertain(raw);
  if (inputs.length === 0) return undefined;
  return planUncertainty(raw, inputs, { ...samplingOf(raw), ...(onProgress ? { onProgress } : {}) });
}

export interface UncertaintyResult {
  readonly samples: number;
  readonly seed: number;
  /** Each input's P10/P50/P90: of its distribution truncated to the field's bounds, as sampled. */
  readonly inputs: readonly {
    readonly path: string;
    readonly p10: number;
    readonly p50: number;
    readonly p90: number;
    /** Why the run at this input's P10 or P90 (the others at their medians) failed: no swing for it. */
    readonly swingFailed?: string;
  }[];
  /** P10/P50/P90 over the samples that worked. */
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
  /** Samples that could not be planned or run (bad input or infeasible): how many, and the commonest reasons. */
  readonly failedSamples?: {
    readonly count: number;
    readonly reasons: readonly { readonly message: string; readonly count: number }[];
  };
  /** Remarks on how the inputs were read (an uncertain value where a search range may be meant). */
  readonly notes?: readonly string[];
}

/** Reasons a failure summary lists, commonest first. */
const MAX_FAILURE_REASONS = 3;

export type Results = Readonly<Record<string, number | undefined>>;
export type Outcome =
  | { readonly results: Results; readonly failed?: undefined }
  | { readonly failed: string };

/** One evaluation, with a bad or infeasible scenario as its outcome rather than the analysis' end. */
export function attempt(evaluate: () => Results): Outcome {
  try {
    return { results: evaluate() };
  } catch (error) {
    if (error instanceof InputError || error instanceof InfeasibleError) {
      return { failed: error.message.replace(/\s*\n\s*/g, " ") };
    }
    throw error;
  }
}

export function analyzeUncertainty(
  raw: unknown,
  inputs: readonly UncertainInput[],
  evaluate: (scenario: unknown) => Results,
  options: SamplingOptions,
): UncertaintyResult {
  const scenarios = uncertaintyScenarios(raw, inputs, options);
  const outcomes = scenarios.map((scenario, index) => {
    const outcome = attempt(() => evaluate(scenario));
    options.onProgress?.(index + 1, scenarios.length);
    return outcome;
  });
  return summarizeUncertainty(inputs, options, outcomes);
}

/**
 * The scenarios an analysis evaluates, in order: every sample (all inputs drawn together from the
 * seed), then each input alone at its P10 and its P90 (the others at their medians). Each evaluation
 * depends only on its scenario, so they can run on any thread in any order (the CLI's worker threads).
 */
export function uncertaintyScenarios(
  raw: unknown,
  inputs: readonly UncertainInput[],
  options: Pick<SamplingOptions, "samples" | "seed">,
): unknown[] {
  if (
    !(Number.isInteger(options.samples) && options.samples >= 1 && options.samples <= MAX_UNCERTAINTY_SAMPLES)
  ) {
    throw new InputError(
      "uncertainty.samples",
      options.samples,
      `a whole number from 1 to ${limitText(MAX_UNCERTAINTY_SAMPLES)}`,
    );
  }
  const medians = new Map(inputs.map((i) => [i.path, quantile(i.distribution, 0.5)]));
  const rng = xoroshiro128plus(options.seed);
  const scenarios: unknown[] = [];
  for (let s = 0; s < options.samples; s++) {
    const values = new Map(
      inputs.map((i) => [i.path, quantile(i.distribution, ((rng.unsafeNext() >>> 0) + 0.5) / 4294967296)]),
    );
    scenarios.push(withValues(raw, values));
  }
  for (const input of inputs) {
    for (const p of [0.1, 0.9]) {
      scenarios.push(withValues(raw, new Map([...medians, [input.path, quantile(input.distribution, p)]])));
    }
  }
  return scenarios;
}

/**
 * A scenario file's analysis as tasks: its uncertain inputs, its sampling and the scenarios to evaluate
 * (uncertaintyScenarios), for a caller that evaluates them on threads; undefined without ranges.
 */
export function uncertaintyTasks(raw: unknown):
  | {
      readonly inputs: readonly UncertainInput[];
      readonly sampling: { readonly samples: number; readonly seed: number };
      readonly scenarios: unknown[];
    }
  | undefined {
  const inputs = findUncertain(raw);
  if (inputs.length === 0) return undefined;
  const sampling = samplingOf(raw);
  return { inputs, sampling, scenarios: uncertaintyScenarios(raw, inputs, sampling) };
}

/**
 * `uncertaintyOf` with its samples and swings on `threads`: the threads asked for, or every core for 128
 * or more (from 4 cores); merged in sample order, the same result for the same seed.
 */
export async function uncertaintyOnThreads(
  threads: Threads,
  raw: unknown,
  onProgress?: Progress,
): Promise<UncertaintyResult | undefined> {
  const tasks = uncertaintyTasks(raw);
  if (!tasks) return undefined;
  const { inputs, sampling, scenarios } = tasks;
  const count = plannerThreads(threads, scenarios.length, THREADED_UNCERTAINTY_SCENARIOS);
  if (count <= 1) return uncertaintyOf(raw, onProgress);
  const outcomes = await threads.map("uncertaintySample", scenarios, count, onProgress);
  return summarizeUncertainty(inputs, sampling, outcomes);
}

/** The analysis from the outcomes of `uncertaintyScenarios`, in their order. */
export function summarizeUncertainty(
  inputs: readonly UncertainInput[],
  options: Pick<SamplingOptions, "samples" | "seed">,
  outcomes: readonly Outcome[],
): UncertaintyResult {
  const draws: Record<string, number[]> = {};
  // Failures grouped by their wording without figures (one reason at different sampled values),
  // each shown by its first message.
  const failures = new Map<string, { message: string; count: number }>();
  for (const outcome of outcomes.slice(0, options.samples)) {
    if (outcome.failed !== undefined) {
      const reason = outcome.failed.replace(/\d[\d.,e+-]*/g, "#");
      const seen = failures.get(reason) ?? { message: outcome.failed, count: 0 };
      failures.set(reason, { ...seen, count: seen.count + 1 });
      continue;
    }
    for (const [name, value] of Object.entries(outcome.results)) {
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      const list = draws[name] ?? [];
      list.push(value);
      draws[name] = list;
    }
  }
  const reasons = [...failures.values()].sort((a, b) => b.count - a.count).slice(0, MAX_FAILURE_REASONS);
  const failedCount = [...failures.values()].reduce((sum, reason) => sum + reason.count, 0);
  if (failedCount === options.samples) {
    throw new InfeasibleError(`all ${options.samples} uncertainty samples failed: ${reasons[0]?.message}`);
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
  const swings = inputs.map((input, i) => {
    const low = outcomes[options.samples + 2 * i] as Outcome;
    const high = outcomes[options.samples + 2 * i + 1] as Outcome;
    return { input: input.path, low, high, failed: low.failed ?? high.failed };
  });
  const sensitivity = Object.fromEntries(
    Object.keys(outputs).map((name) => [
      name,
      swings
        .flatMap(({ input, low, high }) => {
          if (low.failed !== undefined || high.failed !== undefined) return [];
          const atP10 = low.results[name] ?? Number.NaN;
          const atP90 = high.results[name] ?? Number.NaN;
          return [{ input, atP10, atP90, swing: Math.abs(atP90 - atP10) }];
        })
        .filter((s) => Number.isFinite(s.swing))
        .sort((x, y) => y.swing - x.swing),
    ]),
  );
  const notes = inputs
    .filter((i) => SEARCH_RANGE_FIELDS.includes(i.path))
    .map(
      (i) =>
        `${i.path} is sampled as an uncertain value; { min, max } would let the layout search pick it instead`,
    );
  return {
    samples: options.samples,
    seed: options.seed,
    inputs: inputs.map((i, index) => {
      const failed = swings[index]?.failed;
      return {
        path: i.path,
        p10: quantile(i.distribution, 0.1),
        p50: quantile(i.distribution, 0.5),
        p90: quantile(i.distribution, 0.9),
        ...(failed !== undefined ? { swingFailed: failed } : {}),
      };
    }),
    outputs,
    sensitivity,
    ...(failedCount > 0 ? { failedSamples: { count: failedCount, reasons } } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
