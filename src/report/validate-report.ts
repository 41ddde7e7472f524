import { formatPercent } from "../units.ts";
import { type AccuracySummary, totalChecks } from "../validation/accuracy.ts";
import type { HalfSplitCheck } from "../validation/calibration-check.ts";
import { leaveOneStackOutMean, type StackAccuracy } from "../validation/cross-validation.ts";
import type { InferenceAccuracy, InferenceAccuracySummary } from "../validation/inference-accuracy.ts";
import type { RunModelCheck } from "../validation/run-model-checks.ts";
import { type Line, type ReportDocument, row, type Section, span } from "./document.ts";
import { layoutLabel } from "./plan-report.ts";

const STEP_GOAL = 0.05;
const RUN_LIMIT = 0.1;
const MEMORY_LIMIT = 0.1;

function signed(fraction: number): string {
  return `${fraction >= 0 ? "+" : ""}${(fraction * 100).toFixed(1)}%`;
}

const LEAVE_OUT_GOAL = 0.1;

/** The accuracy table: every published run against the model, by group and by stack, and the totals. */
export function validationReport(
  summary: AccuracySummary,
  byStack: readonly StackAccuracy[],
  halfSplit: readonly HalfSplitCheck[] = [],
  serving?: InferenceAccuracySummary,
  runModel?: readonly RunModelCheck[],
): ReportDocument {
  const sections: Section[] = [];
  const groups = [...new Set(summary.runs.map((r) => r.run.group))];
  for (const group of groups) {
    const inGroup = summary.runs.filter((r) => r.run.group === group);
    // Runs that ran though the memory model finds them over the HBM: said, not hidden.
    const overMemory = inGroup
      .filter((r) => r.plan.memory.verdict === "does not fit")
      .map(
        (r) =>
          `${r.run.id}: the memory model puts this layout at ${(r.plan.memory.usedFraction * 100).toFixed(0)}% of HBM ('does not fit'), though it ran`,
      );
    const rows = inGroup.map((r) => {
      const l = r.plan.layout;
      return [
        ...row([
          r.run.id + (r.run.confidence === "stated" ? "" : " (u)"),
          layoutLabel(l),
          r.publishedTflops !== undefined ? r.publishedTflops.toFixed(1) : "-",
          r.predictedTflops !== undefined ? r.predictedTflops.toFixed(1) : "-",
          r.publishedStepSeconds.toFixed(2),
          r.predictedStepSeconds.toFixed(2),
          signed(r.stepError),
        ]),
        Math.abs(r.stepError) > RUN_LIMIT ? span("MISS", undefined, "bad") : span(""),
        ...row([
          r.searched ? r.searched.step.seconds.toFixed(2) : "-",
          r.searched ? layoutLabel(r.searched.layout) : "",
        ]),
      ];
    });
    sections.push({
      title: group,
      table: {
        header: [
          "run",
          "published layout",
          "pub TFLOP/s",
          "ours",
          "pub step s",
          "ours s",
          "error",
          "",
          "searched s",
          "searched best layout",
        ],
        rows,
        textColumns: [1, 7, 9],
        help: "published figures against the model's, with the published layout and the best the search finds",
      },
      notes: [
        `Mean absolute step-time error ${formatPercent(inGroup.reduce((sum, r) => sum + Math.abs(r.stepError), 0) / inGroup.length)} over ${inGroup.length} runs`,
        ...overMemory,
      ],
    });
  }
  const memoryRuns = summary.runs.filter((r) => r.memory);
  if (memoryRuns.length > 0) {
    sections.push({
      title: "Memory per GPU against Korthikanti et al. 2022, Fig. 1 (GiB)",
      table: {
        header: ["run", "model states pub", "ours", "error", "activations pub", "ours", "error"],
        rows: memoryRuns.map((r) => {
          const m = r.memory as NonNullable<typeof r.memory>;
          return row([
            r.run.id,
            m.modelStatesGiB.toFixed(2),
            m.predictedModelStatesGiB.toFixed(2),
            signed(m.predictedModelStatesGiB / m.modelStatesGiB - 1),
            m.activationsGiB.toFixed(2),
            m.predictedActivationsGiB.toFixed(2),
            signed(m.predictedActivationsGiB / m.activationsGiB - 1),
          ]);
        }),
        help: "memory per GPU, published against the model's",
      },
    });
  }
  const leaveOut = leaveOneStackOutMean(byStack);
  sections.push({
    title:
      "Step time by software stack; leave-one-stack-out: the generation's constants refitted without the stack's runs",
    table: {
      header: ["stack", "runs", "mean |error|", "worst", "left out of the fit"],
      rows: byStack.map((s) =>
        row([
          s.stack,
          String(s.runs),
          formatPercent(s.meanAbsoluteStepError),
          formatPercent(s.maxAbsoluteStepError),
          formatPercent(s.leaveOutMeanAbsoluteStepError),
        ]),
      ),
      help: "step-time error by software stack",
    },
    notes: [
      `Leave-one-stack-out mean ${formatPercent(leaveOut)} (goal ${formatPercent(LEAVE_OUT_GOAL, 0)}: ${leaveOut <= LEAVE_OUT_GOAL ? "met" : "MISSED"})`,
    ],
  });
  if (halfSplit.length > 0) {
    sections.push({
      title:
        "gigacluster calibrate on half of a stack's runs (alternate runs), predicting the other half, both ways",
      table: {
        header: ["stack", "runs", "catalog stack", "calibrated on the other half", "verdict"],
        rows: halfSplit.map((check) =>
          row([
            check.stack,
            String(check.runs),
            formatPercent(check.catalogMeanAbsoluteError),
            formatPercent(check.calibratedMeanAbsoluteError),
            check.calibratedMeanAbsoluteError <= check.catalogMeanAbsoluteError
              ? "as good or better"
              : "worse",
          ]),
        ),
        textColumns: [4],
        help: "mean absolute step-time error on the held-out halves",
      },
      notes: [
        "The catalog's constants were fitted to all of these runs, the held-out half included; the calibrated ones never saw it.",
      ],
    });
  }
  sections.push({
    title: "Whole-run totals (the chain from step time to GPU-hours)",
    table: {
      header: ["run", "published GPU-hours", "ours", "ours / published", "note"],
      rows: totalChecks(summary).map((t) =>
        row([
          t.description,
          `${(t.publishedGpuHours / 1e6).toFixed(2)} M`,
          `${(t.predictedGpuHours / 1e6).toFixed(2)} M`,
          (t.predictedGpuHours / t.publishedGpuHours).toFixed(2),
          t.caveat,
        ]),
      ),
      textColumns: [4],
      help: "whole-run GPU-hours, published against the model's",
    },
  });
  if (serving) sections.push(...servingSections(serving));
  if (runModel) sections.push(runModelSection(runModel));
  const misses = summary.runs.filter((r) => Math.abs(r.stepError) > RUN_LIMIT);
  const closing: Line[] = [
    `Step time: mean absolute error ${formatPercent(summary.meanAbsoluteStepError)} over ${summary.runs.length} runs ` +
      `(goal ${formatPercent(STEP_GOAL, 0)}: ${summary.meanAbsoluteStepError <= STEP_GOAL ? "met" : "MISSED"}); ` +
      `${summary.within10Percent} of ${summary.runs.length} within ${formatPercent(RUN_LIMIT, 0)}, worst ${formatPercent(summary.maxAbsoluteStepError)}.`,
  ];
  if (misses.length > 0)
    closing.push(`Runs off by more than 10%: ${misses.map((r) => r.run.id).join(", ")}.`);
  closing.push(
    `Memory: worst error ${formatPercent(summary.maxAbsoluteMemoryError)} (goal ${formatPercent(MEMORY_LIMIT, 0)}: ${summary.maxAbsoluteMemoryError <= MEMORY_LIMIT ? "met" : "MISSED"}).`,
    "Published TFLOP/s are turned into step times with each source's own FLOP convention; (u): part of the setup is inferred. " +
      "Layout fields a source does not state are chosen by the planner's search. " +
      "'searched': the best layout the search finds with only the cluster and the batch fixed.",
  );
  sections.push({ lines: closing });
  return { sections };
}

const SERVING_GOAL = 0.15;

const METRIC_LABELS: Record<InferenceAccuracy["measurement"]["metric"], string> = {
  "offline-output-tokens-per-second": "output tok/s",
  "time-per-output-token": "s per token",
  "time-to-first-token": "s to 1st token",
  "prefill-seconds": "prefill s",
};

function figure(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(4);
}

/** The serving model against published inference measurements: one table per source, then the total. */
function servingSections(serving: InferenceAccuracySummary): Section[] {
  const sections: Section[] = serving.sources.map((s) => ({
    title: `Serving: ${s.source.title}`,
    table: {
      header: ["measurement", "metric", "batch", "published", "ours", "error", ""],
      rows: s.rows.map((r) => [
        ...row([
          r.measurement.id,
          METRIC_LABELS[r.measurement.metric],
          String(r.batch),
          figure(r.measurement.measured),
          figure(r.predicted),
          r.setsEngineFloor ? "(sets floor)" : signed(r.error),
        ]),
        !r.setsEngineFloor && Math.abs(r.error) > SERVING_GOAL ? span("MISS", undefined, "bad") : span(""),
      ]),
      textColumns: [1],
      help: "published inference figures against the serving model's, each under its source's set-up",
    },
    notes: [
      `Mean absolute error ${formatPercent(s.meanAbsoluteError)} over ${s.rows.filter((r) => !r.setsEngineFloor).length} measurements; engine time per forward pass ${Object.entries(
        s.engineSecondsPerPass,
      )
        .map(([accelerator, seconds]) => `${(seconds * 1000).toFixed(1)} ms on ${accelerator}`)
        .join(", ")}. Source: ${s.source.source.ref}.`,
      ...(s.source.source.note ? [s.source.source.note] : []),
    ],
  }));
  sections.push({
    lines: [
      `Serving: mean absolute error ${formatPercent(serving.meanAbsoluteError)} over ${serving.counted} published inference measurements ` +
        `(goal ${formatPercent(SERVING_GOAL, 0)}: ${serving.meanAbsoluteError <= SERVING_GOAL ? "met" : "MISSED"}); ` +
        `${serving.within15Percent} of ${serving.counted} within ${formatPercent(SERVING_GOAL, 0)}. ` +
        `By source: ${serving.sources.map((s) => `${s.source.name} ${formatPercent(s.meanAbsoluteError)}`).join(", ")}.`,
    ],
  });
  return sections;
}

const BOUND_WORDS: Record<RunModelCheck["bound"], string> = {
  about: "about",
  "at-least": "at least",
  "at-most": "at most",
};

/** Published large-run reliability figures, each reproduced from its own stated set-up. */
function runModelSection(checks: readonly RunModelCheck[]): Section {
  const shown = (check: RunModelCheck, value: number) =>
    check.published > 1 ? value.toFixed(1) : formatPercent(value);
  return {
    title: "Run model: published large-run reliability, each from its own set-up",
    table: {
      header: ["check", "what", "published", "ours", "tolerance", "verdict"],
      rows: checks.map((c) => [
        ...row([
          c.id,
          c.what,
          `${BOUND_WORDS[c.bound]} ${shown(c, c.published)}`,
          shown(c, c.ours),
          c.published > 1 ? `±${formatPercent(c.tolerance, 0)}` : `${(c.tolerance * 100).toFixed(0)} pt`,
        ]),
        c.pass ? span("within") : span("MISS", undefined, "bad"),
      ]),
      textColumns: [1],
      help: "published run-level reliability figures against the Monte Carlo's",
    },
    notes: [
      `${checks.filter((c) => c.pass).length} of ${checks.length} within their tolerance.`,
      ...checks.map((c) => `${c.id}: ${c.source}. ${c.assumptions}`),
    ],
  };
}
