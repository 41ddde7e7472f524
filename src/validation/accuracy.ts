import { ACCELERATORS } from "../catalog/accelerators.ts";
import { type HardwareCalibration, hardwareCalibrationFor } from "../catalog/hardware-calibrations.ts";
import { lookup } from "../catalog/lookup.ts";
import { MODELS } from "../catalog/models.ts";
import { findStack, type SoftwareStack } from "../catalog/stacks.ts";
import {
  flopsPerToken,
  hardwareFlopsPerToken,
  type ModelSpec,
  type Recompute,
} from "../model/transformer.ts";
import type { Layout } from "../parallel/layout.ts";
import { type PlanResult, planLayout } from "../parallel/plan.ts";
import type { PlanInput, TrainingSetup } from "../parallel/plan-input.ts";
import { layoutAsRan } from "../parallel/search.ts";
import { GiB, SECONDS_PER_HOUR } from "../units.ts";
import { PUBLISHED_RUNS, type PublishedRun } from "./published-runs.ts";

export interface RunAccuracy {
  readonly run: PublishedRun;
  readonly plan: PlanResult;
  readonly publishedStepSeconds: number;
  readonly predictedStepSeconds: number;
  /** The best layout the search finds with only the cluster and batch fixed. */
  readonly searched: PlanResult | undefined;
  /** predicted / published - 1 on step time. */
  readonly stepError: number;
  /** The published TFLOP/s figure and ours in the source's own convention (absent for time-only rows). */
  readonly publishedTflops?: number;
  readonly predictedTflops?: number;
  readonly memory?: {
    readonly modelStatesGiB: number;
    readonly predictedModelStatesGiB: number;
    readonly activationsGiB: number;
    readonly predictedActivationsGiB: number;
  };
}

export interface AccuracySummary {
  readonly runs: readonly RunAccuracy[];
  readonly meanAbsoluteStepError: number;
  readonly maxAbsoluteStepError: number;
  readonly within10Percent: number;
  readonly maxAbsoluteMemoryError: number;
}

function modelFor(run: PublishedRun): ModelSpec {
  return { ...lookup(MODELS, run.model, "model", "model"), ...run.modelOverrides };
}

/**
 * The published figure as a step time. A TFLOP/s figure converts by the source's FLOP convention,
 * which may count the layout's recomputed forward.
 */
export function publishedStepSeconds(run: PublishedRun, recompute: Recompute): number {
  const { published } = run;
  const tokens = run.globalBatchSequences * run.sequenceLength;
  if (published.kind === "stepSeconds") return published.value;
  if (published.kind === "tokensPerSecondPerGpu") return tokens / (published.value * run.gpus);
  return flopsPerStep(run, recompute) / (published.value * 1e12 * run.gpus);
}

function flopsPerStep(run: PublishedRun, recompute: Recompute): number {
  if (run.published.kind !== "tflopsPerGpu") return 0;
  const { convention } = run.published;
  const model = modelFor(run);
  const perToken = convention.countsRecompute
    ? hardwareFlopsPerToken(model, run.sequenceLength, convention.attention, recompute)
    : flopsPerToken(model, run.sequenceLength, convention.attention).training;
  return perToken * run.globalBatchSequences * run.sequenceLength;
}

export interface EvaluateOptions {
  /** Constants to use instead of the catalog's (for fitting). */
  readonly stack?: SoftwareStack;
  readonly hardware?: HardwareCalibration;
  /** A complete layout to use instead of searching the fields the source left open. */
  readonly layout?: Layout;
  /** Leave out the free search (the calibration fit evaluates runs thousands of times). */
  readonly skipFreeSearch?: boolean;
}

// Runs that differ only in what their sources pinned (Korthikanti's full and selective recompute)
// share one free search; with the catalog's constants there are at most as many as published runs.
const catalogFreeSearches = new Map<string, PlanResult>();

function catalogFreeSearch(base: Omit<PlanInput, "layout">): PlanResult {
  const key = JSON.stringify(base);
  let found = catalogFreeSearches.get(key);
  if (!found) {
    found = bestLayout(base, {});
    catalogFreeSearches.set(key, found);
  }
  return found;
}

/** The published layout (fields it leaves open searched), or the free search's best with `{}`. */
function bestLayout(base: Omit<PlanInput, "layout">, pinned: Partial<Layout>): PlanResult {
  return layoutAsRan(base, { pinned, maxTp: base.cluster.accelerator.scaleUpDomainGpus }).plan;
}

export function stackOf(run: PublishedRun): SoftwareStack {
  const stack = findStack(run.stack);
  if (!stack) throw new Error(`published run ${run.id} names an unknown stack ${run.stack}`);
  return stack;
}

/** The model, training and cluster of a published run, with the catalog's or the given constants. */
export function publishedRunInput(
  run: PublishedRun,
  options: Pick<EvaluateOptions, "stack" | "hardware"> = {},
): Omit<PlanInput, "layout"> {
  const model = modelFor(run);
  const training: TrainingSetup = {
    sequenceLength: run.sequenceLength,
    globalBatchSequences: run.globalBatchSequences,
    tokens: undefined,
    precision: run.precision ?? "bf16",
    recipe: run.recipe ?? "megatron",
    attentionFlops: "full",
  };
  const catalogAccelerator = lookup(ACCELERATORS, run.accelerator, "accelerator", "accelerator");
  const accelerator =
    run.scaleOutGbps === undefined
      ? catalogAccelerator
      : { ...catalogAccelerator, scaleOutGbps: run.scaleOutGbps };
  const cluster = {
    accelerator,
    gpus: run.gpus,
    stack: options.stack ?? stackOf(run),
    hardware: options.hardware ?? hardwareCalibrationFor(accelerator.generation),
  };
  return { model, training, cluster };
}

export function evaluateRun(run: PublishedRun, options: EvaluateOptions = {}): RunAccuracy {
  const base = publishedRunInput(run, options);
  const plan = options.layout
    ? planLayout({ ...base, layout: options.layout })
    : bestLayout(base, run.layout);
  const searched = options.skipFreeSearch
    ? undefined
    : options.stack || options.hardware
      ? bestLayout(base, {})
      : catalogFreeSearch(base);
  const predictedStepSeconds = plan.step.seconds;
  const publishedSeconds = publishedStepSeconds(run, plan.layout.recompute);
  const tflops: Pick<RunAccuracy, "publishedTflops" | "predictedTflops"> =
    run.published.kind === "tflopsPerGpu"
      ? {
          publishedTflops: run.published.value,
          predictedTflops: flopsPerStep(run, plan.layout.recompute) / predictedStepSeconds / run.gpus / 1e12,
        }
      : {};
  const memory = run.memoryGiB
    ? {
        modelStatesGiB: run.memoryGiB.modelStates,
        predictedModelStatesGiB:
          (plan.memory.perGpuBytes.weights +
            plan.memory.perGpuBytes.gradients +
            plan.memory.perGpuBytes.optimizer) /
          GiB,
        activationsGiB: run.memoryGiB.activations,
        predictedActivationsGiB: plan.memory.perGpuBytes.activations / GiB,
      }
    : undefined;
  return {
    run,
    plan,
    publishedStepSeconds: publishedSeconds,
    predictedStepSeconds,
    searched,
    stepError: predictedStepSeconds / publishedSeconds - 1,
    ...tflops,
    ...(memory ? { memory } : {}),
  };
}

/**
 * `evaluateRun` of the catalog's published run number `index`, without the run itself (the caller
 * holds it): what a worker thread computes and sends back for one row of the accuracy table.
 */
export function evaluatePublishedRun(index: number): Omit<RunAccuracy, "run"> {
  const run = PUBLISHED_RUNS[index];
  if (!run) throw new Error(`no published run number ${index}`);
  const { run: _, ...rest } = evaluateRun(run);
  return rest;
}

// The published runs' table depends only on the catalog: worked out once per process.
let catalogAccuracy: AccuracySummary | undefined;

export function evaluateAccuracy(runs: readonly PublishedRun[] = PUBLISHED_RUNS): AccuracySummary {
  if (runs === PUBLISHED_RUNS) {
    catalogAccuracy ??= summarizeAccuracy(runs.map((run) => evaluateRun(run)));
    return catalogAccuracy;
  }
  return summarizeAccuracy(runs.map((run) => evaluateRun(run)));
}

/** The table's totals over its rows (each row worked out in process or on a worker thread). */
export function summarizeAccuracy(results: readonly RunAccuracy[]): AccuracySummary {
  const errors = results.map((r) => Math.abs(r.stepError));
  const memoryErrors = results.flatMap((r) =>
    r.memory
      ? [
          Math.abs(r.memory.predictedModelStatesGiB / r.memory.modelStatesGiB - 1),
          Math.abs(r.memory.predictedActivationsGiB / r.memory.activationsGiB - 1),
        ]
      : [],
  );
  return {
    runs: results,
    meanAbsoluteStepError: errors.reduce((a, b) => a + b, 0) / errors.length,
    maxAbsoluteStepError: Math.max(...errors),
    within10Percent: errors.filter((e) => e <= 0.1).length,
    maxAbsoluteMemoryError: Math.max(0, ...memoryErrors),
  };
}

/** Whole-run totals a published figure can be checked against: GPU-hours for a token budget. */
export interface TotalCheck {
  readonly id: string;
  readonly description: string;
  readonly source: string;
  readonly publishedGpuHours: number;
  readonly predictedGpuHours: number;
  /** What the published figure includes that a step-time model does not. */
  readonly caveat: string;
}

const TOTALS = [
  {
    run: "deepseek-v3-h800-2048",
    tokens: 14.8e12,
    publishedGpuHours: 2.664e6,
    description: "DeepSeek-V3 pre-training, 14.8T tokens on 2,048 H800",
    source:
      "DeepSeek-V3 report (arXiv 2412.19437), Table 1: 2,664K H800 GPU-hours pre-training (2,788K in all)",
    caveat: "the 2,788K total adds context extension (119K) and post-training (5K)",
  },
  {
    run: "llama-3-405b-8k-16384",
    tokens: 15.6e12,
    publishedGpuHours: 30.84e6,
    description: "Llama 3.1 405B, 15.6T tokens on up to 16,384 H100",
    source: "Llama 3.1 model card: 30.84M H100-80GB GPU-hours",
    caveat:
      "the published hours include downtime, restarts, smaller-batch ramp-up and the 128K long-context stage",
  },
] as const;

export function totalChecks(summary: AccuracySummary): TotalCheck[] {
  return TOTALS.flatMap((total) => {
    const result = summary.runs.find((r) => r.run.id === total.run);
    if (!result) return [];
    const steps = total.tokens / result.plan.step.tokens;
    return [
      {
        id: total.run,
        description: total.description,
        source: total.source,
        publishedGpuHours: total.publishedGpuHours,
        predictedGpuHours: (steps * result.plan.step.seconds * result.run.gpus) / SECONDS_PER_HOUR,
        caveat: total.caveat,
      },
    ];
  });
}
