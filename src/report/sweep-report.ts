import type { SweepRow, Variation } from "../pipeline/sweep.ts";
import { formatPercent } from "../units.ts";
import { type ReportDocument, span } from "./document.ts";
import { RESULT_TERMS } from "./glossary.ts";

function number(value: number | undefined, digits: number): string {
  return value === undefined
    ? "-"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** One row per point of the sweep; a point that failed says why in its note. */
export function sweepReport(rows: readonly SweepRow[], variations: readonly Variation[]): ReportDocument {
  const header = [
    ...variations.map((v) => v.path),
    "GPUs",
    "step s",
    "M tokens/s",
    "MFU",
    "days",
    "days w/ failures",
    "goodput",
    "capex $B",
    "$/GPU-h",
    "training $M",
    "run $M",
    "note",
  ];
  const body = rows.map((row) => [
    ...variations.map((v) => span(String(row.values[v.path]), "the swept value")),
    span(number(row.gpus, 0), "GPUs planned"),
    span(number(row.stepSeconds, 3), RESULT_TERMS.stepTime.help),
    span(
      number(row.tokensPerSecond === undefined ? undefined : row.tokensPerSecond / 1e6, 2),
      RESULT_TERMS.tokensPerSecond.help,
    ),
    span(row.mfu === undefined ? "-" : formatPercent(row.mfu), RESULT_TERMS.mfu.help),
    span(number(row.days, 1), RESULT_TERMS.daysUninterrupted.help),
    span(number(row.daysWithFailures, 1), RESULT_TERMS.daysWithFailures.help),
    span(row.goodput === undefined ? "-" : formatPercent(row.goodput), RESULT_TERMS.goodput.help),
    span(number(row.capexUsd === undefined ? undefined : row.capexUsd / 1e9, 2), RESULT_TERMS.capex.help),
    span(number(row.usdPerGpuHour, 2), RESULT_TERMS.usdPerGpuHour.help),
    span(
      number(row.trainingUsd === undefined ? undefined : row.trainingUsd / 1e6, 1),
      RESULT_TERMS.trainingUsd.help,
    ),
    span(number(row.runUsd === undefined ? undefined : row.runUsd / 1e6, 1), RESULT_TERMS.runUsd.help),
    span(row.error ?? "", "why the point could not be planned"),
  ]);
  return {
    sections: [
      {
        title: `Sweep of ${variations.map((v) => v.path).join(" x ")}`,
        table: {
          header,
          rows: body,
          textColumns: [header.length - 1],
          help: "one row per point of the sweep",
        },
      },
    ],
  };
}
