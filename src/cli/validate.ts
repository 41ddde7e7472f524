import { drawText } from "../report/document.ts";
import { toJson, validationJson } from "../report/json.ts";
import { validationReport } from "../report/validate-report.ts";
import { plannerThreads } from "../tasks.ts";
import { type AccuracySummary, evaluateAccuracy, summarizeAccuracy } from "../validation/accuracy.ts";
import { calibrationHalfSplit, type HalfSplitCheck, halfSplitFits } from "../validation/calibration-check.ts";
import {
  accuracyByStack,
  leaveOuts,
  type StackAccuracy,
  stackAccuracy,
} from "../validation/cross-validation.ts";
import { evaluateInferenceAccuracy } from "../validation/inference-accuracy.ts";
import { PUBLISHED_RUNS, type PublishedRun } from "../validation/published-runs.ts";
import { runModelChecks } from "../validation/run-model-checks.ts";
import { type Io, type OutputOptions, styleOf } from "./common.ts";
import type { TaskPool } from "./task-pool.ts";
import { cliThreads, workersOption } from "./workers.ts";

// The accuracy table against published runs. Its rows (a layout search each), the leave-one-stack-out
// refits and the calibration half-splits run on worker threads (--workers): the same bytes out.

/** What `validate` reports on the training side, however it was worked out. */
interface TrainingValidation {
  readonly summary: AccuracySummary;
  readonly byStack: StackAccuracy[];
  readonly halfSplit: HalfSplitCheck[];
}

/** In process: the table (cached per process), its refits and its half-splits. */
export function trainingValidation(): TrainingValidation {
  const summary = evaluateAccuracy();
  return {
    summary,
    byStack: accuracyByStack(summary),
    halfSplit: calibrationHalfSplit(halfSplitFits(summary)),
  };
}

/** The same on `pool`'s threads: the rows, then the refits and the half-splits, each merged in order. */
export async function trainingValidationOn(
  pool: TaskPool,
  signal?: AbortSignal,
): Promise<TrainingValidation> {
  const rows = await pool.run(
    "publishedRun",
    PUBLISHED_RUNS.map((_, index) => index),
    { signal },
  );
  const summary = summarizeAccuracy(
    rows.map((row, index) => ({ run: PUBLISHED_RUNS[index] as PublishedRun, ...row })),
  );
  // The refits and the half-splits share the threads, so neither waits on the other's last task.
  const leaves = leaveOuts(summary);
  const fits = halfSplitFits(summary);
  const [leaveOutErrors, halfSplitErrors] = await Promise.all([
    pool.run("leaveOut", leaves, { signal }),
    pool.run("halfSplit", fits, { signal }),
  ]);
  const byStack = stackAccuracy(summary, leaveOutErrors);
  const halfSplit = calibrationHalfSplit(fits, halfSplitErrors);
  return { summary, byStack, halfSplit };
}

/** `validate` in process (what --workers 1 runs). */
export function runValidate(options: OutputOptions, io: Io): number {
  return report(trainingValidation(), options, io);
}

/** `validate` over `--workers` threads (absent: every core, at most 8, from 4 cores; 1: in process). */
export async function runValidateOnWorkers(
  options: OutputOptions & { workers?: string },
  io: Io,
): Promise<number> {
  // The rows are the planner's work; any count of them repays threads from PLANNER_THREADS_MIN_CORES.
  const threads = plannerThreads(cliThreads(workersOption(options.workers)), PUBLISHED_RUNS.length, 1);
  if (threads <= 1) return runValidate(options, io);
  const { withTaskPool } = await import("./task-pool.ts");
  return report(await withTaskPool(threads, trainingValidationOn), options, io);
}

function report(training: TrainingValidation, options: OutputOptions, io: Io): number {
  const { summary, byStack, halfSplit } = training;
  const serving = evaluateInferenceAccuracy();
  const runModel = runModelChecks();
  io.out(
    options.json
      ? toJson(validationJson(summary, byStack, halfSplit, serving, runModel))
      : drawText(validationReport(summary, byStack, halfSplit, serving, runModel), styleOf(options)),
  );
  return 0;
}
