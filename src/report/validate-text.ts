import { formatPercent } from "../units.ts";
import { type AccuracySummary, totalChecks } from "../validation/accuracy.ts";
import { leaveOneStackOutMean, type StackAccuracy } from "../validation/cross-validation.ts";
import { layoutLabel } from "./plan-text.ts";
import { paint } from "./style.ts";
import { renderTable } from "./table.ts";

const STEP_GOAL = 0.05;
const RUN_LIMIT = 0.1;
const MEMORY_LIMIT = 0.1;

function signed(fraction: number): string {
  return `${fraction >= 0 ? "+" : ""}${(fraction * 100).toFixed(1)}%`;
}

const LEAVE_OUT_GOAL = 0.1;

export function renderValidationText(summary: AccuracySummary, byStack: readonly StackAccuracy[]): string {
  const lines: string[] = [];
  const groups = [...new Set(summary.runs.map((r) => r.run.group))];
  for (const group of groups) {
    lines.push(group);
    const rows = summary.runs
      .filter((r) => r.run.group === group)
      .map((r) => {
        const l = r.plan.layout;
        return [
          r.run.id + (r.run.confidence === "stated" ? "" : " (u)"),
          layoutLabel(l),
          r.publishedTflops !== undefined ? r.publishedTflops.toFixed(1) : "-",
          r.predictedTflops !== undefined ? r.predictedTflops.toFixed(1) : "-",
          r.publishedStepSeconds.toFixed(2),
          r.predictedStepSeconds.toFixed(2),
          signed(r.stepError),
          Math.abs(r.stepError) > RUN_LIMIT ? paint("MISS", "red") : "",
          r.searched ? r.searched.step.seconds.toFixed(2) : "-",
          r.searched ? layoutLabel(r.searched.layout) : "",
        ];
      });
    lines.push(
      renderTable(
        [
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
        [1, 7, 9],
      ),
    );
    lines.push("");
  }
  const memoryRuns = summary.runs.filter((r) => r.memory);
  if (memoryRuns.length > 0) {
    lines.push("Memory per GPU against Korthikanti et al. 2022, Fig. 1 (GiB)");
    lines.push(
      renderTable(
        ["run", "model states pub", "ours", "error", "activations pub", "ours", "error"],
        memoryRuns.map((r) => {
          const m = r.memory as NonNullable<typeof r.memory>;
          return [
            r.run.id,
            m.modelStatesGiB.toFixed(2),
            m.predictedModelStatesGiB.toFixed(2),
            signed(m.predictedModelStatesGiB / m.modelStatesGiB - 1),
            m.activationsGiB.toFixed(2),
            m.predictedActivationsGiB.toFixed(2),
            signed(m.predictedActivationsGiB / m.activationsGiB - 1),
          ];
        }),
      ),
    );
    lines.push("");
  }
  lines.push(
    "Step time by software stack; leave-one-stack-out: the generation's constants refitted without the stack's runs",
  );
  lines.push(
    renderTable(
      ["stack", "runs", "mean |error|", "worst", "left out of the fit"],
      byStack.map((s) => [
        s.stack,
        String(s.runs),
        formatPercent(s.meanAbsoluteStepError),
        formatPercent(s.maxAbsoluteStepError),
        formatPercent(s.leaveOutMeanAbsoluteStepError),
      ]),
    ),
  );
  const leaveOut = leaveOneStackOutMean(byStack);
  lines.push(
    `Leave-one-stack-out mean ${formatPercent(leaveOut)} (goal ${formatPercent(LEAVE_OUT_GOAL, 0)}: ${leaveOut <= LEAVE_OUT_GOAL ? "met" : "MISSED"})`,
  );
  lines.push("");
  lines.push("Whole-run totals (the chain from step time to GPU-hours)");
  lines.push(
    renderTable(
      ["run", "published GPU-hours", "ours", "ours / published", "note"],
      totalChecks(summary).map((t) => [
        t.description,
        `${(t.publishedGpuHours / 1e6).toFixed(2)} M`,
        `${(t.predictedGpuHours / 1e6).toFixed(2)} M`,
        (t.predictedGpuHours / t.publishedGpuHours).toFixed(2),
        t.caveat,
      ]),
      [4],
    ),
  );
  lines.push("");
  const misses = summary.runs.filter((r) => Math.abs(r.stepError) > RUN_LIMIT);
  lines.push(
    `Step time: mean absolute error ${formatPercent(summary.meanAbsoluteStepError)} over ${summary.runs.length} runs ` +
      `(goal ${formatPercent(STEP_GOAL, 0)}: ${summary.meanAbsoluteStepError <= STEP_GOAL ? "met" : "MISSED"}); ` +
      `${summary.within10Percent} of ${summary.runs.length} within ${formatPercent(RUN_LIMIT, 0)}, worst ${formatPercent(summary.maxAbsoluteStepError)}.`,
  );
  if (misses.length > 0) lines.push(`Runs off by more than 10%: ${misses.map((r) => r.run.id).join(", ")}.`);
  lines.push(
    `Memory: worst error ${formatPercent(summary.maxAbsoluteMemoryError)} (goal ${formatPercent(MEMORY_LIMIT, 0)}: ${summary.maxAbsoluteMemoryError <= MEMORY_LIMIT ? "met" : "MISSED"}).`,
  );
  lines.push(
    "Published TFLOP/s are turned into step times with each source's own FLOP convention; (u): part of the setup is inferred. " +
      "Layout fields a source does not state are chosen by the planner's search. " +
      "'searched': the best layout the search finds with only the cluster and the batch fixed.",
  );
  return lines.join("\n");
}
