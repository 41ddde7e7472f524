import type { BuildoutReport } from "../pipeline/buildout.ts";
import type { ScenarioPlan } from "../pipeline/plan.ts";
import type { UncertaintyResult } from "../pipeline/uncertainty.ts";
import type { SimulationResult } from "../reliability/simulate.ts";
import { type AccuracySummary, totalChecks } from "../validation/accuracy.ts";
import type { HalfSplitCheck } from "../validation/calibration-check.ts";
import type { StackAccuracy } from "../validation/cross-validation.ts";
import type { InferenceAccuracySummary } from "../validation/inference-accuracy.ts";
import type { RunModelCheck } from "../validation/run-model-checks.ts";
import { validityWarnings } from "../validation/validity.ts";

// JSON output for machines. A non-finite number would be printed as null and hide a bug, so refuse it.

function findNonFinite(value: unknown, path: string): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const found = findNonFinite(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

export function toJson(value: unknown): string {
  const bad = findNonFinite(value, "");
  if (bad) throw new Error(`internal error: ${bad} is not a finite number`);
  return JSON.stringify(value, null, 2);
}

// The JSON projections of the reports: the shapes other tools read (field names and paths are a contract).

/**
 * Wall-clock timings are not results: the same scenario and seed give the same bytes. They are
 * printed (as `timing`) only when asked for.
 */
export interface JsonOptions {
  readonly timing?: boolean;
}

/** A plan: the scenario, the best layout's plan at the top level, the search, the run and the uncertainty. */
export function planJson(
  result: ScenarioPlan,
  run?: SimulationResult,
  uncertainty?: UncertaintyResult,
  options: JsonOptions = {},
): Record<string, unknown> {
  const { plan, search, ...rest } = result;
  return {
    ...rest,
    ...plan,
    search: searchJson(result),
    ...(run ? { run: simulationJson(run) } : {}),
    warnings: validityWarnings(result, run),
    ...(uncertainty ? { uncertainty } : {}),
    ...(options.timing
      ? { timing: { searchSeconds: search.seconds, ...(run ? { simulationSeconds: run.seconds } : {}) } }
      : {}),
  };
}

/** The search: its counts and the ranked layouts, each a whole plan with what it loses by. */
export function searchJson(result: ScenarioPlan, options: JsonOptions = {}): Record<string, unknown> {
  const { seconds, ...search } = result.search;
  const top = search.top.map((ranked) => ({ ...ranked.plan, losesBy: ranked.losesBy }));
  return { ...search, top, ...(options.timing ? { timing: { searchSeconds: seconds } } : {}) };
}

/** The run over time, without the wall-clock time the Monte Carlo took (unless asked for). */
export function simulationJson(run: SimulationResult, options: JsonOptions = {}): Record<string, unknown> {
  const { seconds, ...result } = run;
  return { ...result, ...(options.timing ? { timing: { simulationSeconds: seconds } } : {}) };
}

/** A pinned layout that does not fit: its whole plan still, and why it is infeasible. */
export function infeasiblePlanJson(name: string, closest: object, message: string): Record<string, unknown> {
  return { scenario: { name }, ...closest, infeasible: message };
}

/** A build-out: the report's fields, with the result's at the top level. */
export function buildoutJson(report: BuildoutReport): Record<string, unknown> {
  return { ...report, ...report.result };
}

export function validationJson(
  summary: AccuracySummary,
  byStack: readonly StackAccuracy[],
  calibrationHalfSplit: readonly HalfSplitCheck[] = [],
  serving?: InferenceAccuracySummary,
  runModel?: readonly RunModelCheck[],
): Record<string, unknown> {
  return {
    byStack,
    calibrationHalfSplit,
    ...(serving ? { serving: servingAccuracyJson(serving) } : {}),
    ...(runModel ? { runModel } : {}),
    meanAbsoluteStepError: summary.meanAbsoluteStepError,
    maxAbsoluteStepError: summary.maxAbsoluteStepError,
    within10Percent: summary.within10Percent,
    maxAbsoluteMemoryError: summary.maxAbsoluteMemoryError,
    totals: totalChecks(summary),
    runs: summary.runs.map((r) => ({
      id: r.run.id,
      group: r.run.group,
      source: r.run.source.ref,
      confidence: r.run.confidence,
      layout: r.plan.layout,
      publishedStepSeconds: r.publishedStepSeconds,
      predictedStepSeconds: r.predictedStepSeconds,
      stepError: r.stepError,
      publishedTflops: r.publishedTflops,
      predictedTflops: r.predictedTflops,
      flopConvention:
        r.run.published.kind === "tflopsPerGpu" ? r.run.published.convention.description : undefined,
      memory: r.memory,
      memoryVerdict: r.plan.memory.verdict,
    })),
  };
}

function servingAccuracyJson(serving: InferenceAccuracySummary): Record<string, unknown> {
  return {
    meanAbsoluteError: serving.meanAbsoluteError,
    counted: serving.counted,
    within15Percent: serving.within15Percent,
    sources: serving.sources.map((s) => ({
      name: s.source.name,
      title: s.source.title,
      source: s.source.source.ref,
      meanAbsoluteError: s.meanAbsoluteError,
      engineSecondsPerPass: s.engineSecondsPerPass,
      rows: s.rows.map((r) => ({
        id: r.measurement.id,
        model: r.measurement.model,
        accelerator: r.measurement.accelerator,
        precision: r.measurement.precision,
        tp: r.measurement.tp,
        inputTokens: r.measurement.inputTokens,
        outputTokens: r.measurement.outputTokens,
        metric: r.measurement.metric,
        batch: r.batch,
        measured: r.measurement.measured,
        predicted: r.predicted,
        error: r.error,
        setsEngineFloor: r.setsEngineFloor,
      })),
    })),
  };
}
