import { type CalibrationResult, OFF_THRESHOLD } from "../calibration/calibrate.ts";
import { GiB } from "../units.ts";
import { type ReportDocument, type Span, span } from "./document.ts";
import { STEP_TERMS } from "./glossary.ts";
import { layoutLabel } from "./plan-report.ts";

const percent = (value: number | undefined) =>
  value === undefined ? "-" : `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%`;
const share = (value: number) => `${(value * 100).toFixed(1)}%`;

function shown(value: number, unit: string | undefined): string {
  if (unit === "bytes") return `${(value / GiB).toFixed(2)} GiB`;
  if (unit === "s") return value < 1e-3 ? `${(value * 1e6).toFixed(1)} us` : `${(value * 1e3).toFixed(2)} ms`;
  return value.toFixed(3);
}

/** Before/after and cross-validated error, the constants and how far they moved, the runs still off. */
export function calibrationReport(result: CalibrationResult): ReportDocument {
  const cv = result.crossValidation;
  const summary = [
    `Base stack ${result.baseStack} on ${result.accelerator}; ${result.runs.length} measured runs`,
    `Step time, runs fitted: mean absolute error ${share(result.meanAbsoluteErrorBefore)} before, ${share(result.meanAbsoluteErrorAfter)} after`,
    cv
      ? `Cross-validated (${cv.folds}-fold, each run predicted by constants fitted without it): ${share(cv.meanAbsoluteErrorBefore)} with the base stack, ${share(cv.meanAbsoluteErrorAfter)} calibrated - what to expect on runs not measured`
      : "Cross-validation needs at least two timed runs",
    ...(result.memory
      ? [
          `Peak memory: mean absolute error ${share(result.memory.meanAbsoluteErrorBefore)} before, ${share(result.memory.meanAbsoluteErrorAfter)} after`,
        ]
      : []),
  ];
  const constantRows = result.constants.map((fit): Span[] => {
    const { constant } = fit;
    const moved = fit.base === 0 ? 0 : fit.value / fit.base - 1;
    const status = fit.measured
      ? `measured: ${fit.measured}`
      : fit.determined
        ? "fitted"
        : "not determined by these runs (base value kept)";
    return [
      span(constant.name, constant.description),
      span(shown(fit.base, constant.unit), "the base stack's value"),
      span(shown(fit.value, constant.unit), "the calibrated value"),
      span(percent(moved), "calibrated / base - 1"),
      span(
        `${shown(constant.min, constant.unit)} - ${shown(constant.max, constant.unit)}`,
        "physical bounds",
      ),
      span(status, "how the value was obtained"),
    ];
  });
  const runRows = result.runs.map((run): Span[] => [
    span(run.id, layoutLabel(run.layout)),
    span(
      run.measuredStepSeconds === undefined ? "-" : run.measuredStepSeconds.toPrecision(4),
      "measured step seconds",
    ),
    span(run.beforeStepSeconds.toPrecision(4), "predicted by the base stack"),
    span(percent(run.errorBefore), "base / measured - 1"),
    span(run.afterStepSeconds.toPrecision(4), "predicted by the calibrated stack"),
    span(
      percent(run.errorAfter),
      "calibrated / measured - 1",
      run.errorAfter !== undefined && Math.abs(run.errorAfter) > OFF_THRESHOLD ? "bad" : undefined,
    ),
    span(
      run.measuredPeakMemoryBytes === undefined
        ? "-"
        : `${(run.measuredPeakMemoryBytes / GiB).toFixed(1)} / ${(run.afterPeakMemoryBytes / GiB).toFixed(1)}`,
      "measured / predicted peak GiB per GPU",
    ),
    span(
      run.measuredOom === undefined
        ? run.afterVerdict
        : `${run.measuredOom ? "OOM" : "ran"} / ${run.afterVerdict}`,
      "measured outcome / the model's memory verdict",
      run.measuredOom === true && run.afterVerdict === "fits" ? "bad" : undefined,
    ),
  ]);
  const off = result.runs.filter((r) => r.errorAfter !== undefined && Math.abs(r.errorAfter) > OFF_THRESHOLD);
  const missedOom = result.runs.filter((r) => r.measuredOom === true && r.afterVerdict === "fits");
  const ranButOom = result.runs.filter((r) => r.modelSaysOutOfMemory && r.measuredOom !== true);
  return {
    sections: [
      { title: "Calibration", lines: summary },
      {
        title: "Constants",
        table: {
          header: ["constant", "base", "calibrated", "moved", "bounds", "how"],
          rows: constantRows,
          textColumns: [4, 5],
          help: "the stack's free constants",
        },
      },
      {
        title: "Runs (step seconds)",
        table: {
          header: ["run", "measured", "base", "error", "calibrated", "error", "peak GiB", "memory"],
          rows: runRows,
          textColumns: [7],
          help: "measured runs and their predictions",
        },
        notes: [
          ...(off.length > 0
            ? off.map(
                (r) =>
                  `${r.id}: still ${percent(r.errorAfter)} after calibration; its largest term is ${STEP_TERMS[r.largestTerm].label} - the likely cause`,
              )
            : [`No run is off by more than ${share(OFF_THRESHOLD)} after calibration.`]),
          ...missedOom.map((r) => `${r.id}: ran out of memory, but the model says it fits`),
          ...ranButOom.map(
            (r) => `${r.id}: ran, but the model finds no layout that fits; planned at the closest one`,
          ),
        ],
      },
    ],
  };
}
