import type { SweepRow, Variation } from "../pipeline/sweep.ts";
import { formatGrouped, formatPercent } from "../units.ts";
import { type ReportDocument, type Span, span } from "./document.ts";
import { RESULT_TERMS, SERVING_TERMS } from "./glossary.ts";
import { sweepSides } from "./sweep-sides.ts";

function number(value: number | undefined, digits: number): string {
  return value === undefined ? "-" : formatGrouped(value, digits);
}

type Column = readonly [header: string, cell: (row: SweepRow) => Span];

const TRAINING_COLUMNS: readonly Column[] = [
  ["GPUs", (row) => span(number(row.gpus, 0), "GPUs planned")],
  ["step s", (row) => span(number(row.stepSeconds, 3), RESULT_TERMS.stepTime.help)],
  [
    "M tokens/s",
    (row) =>
      span(
        number(row.tokensPerSecond === undefined ? undefined : row.tokensPerSecond / 1e6, 2),
        RESULT_TERMS.tokensPerSecond.help,
      ),
  ],
  ["MFU", (row) => span(row.mfu === undefined ? "-" : formatPercent(row.mfu), RESULT_TERMS.mfu.help)],
  ["days", (row) => span(number(row.days, 1), RESULT_TERMS.daysUninterrupted.help)],
  ["days w/ failures", (row) => span(number(row.daysWithFailures, 1), RESULT_TERMS.daysWithFailures.help)],
  [
    "goodput",
    (row) => span(row.goodput === undefined ? "-" : formatPercent(row.goodput), RESULT_TERMS.goodput.help),
  ],
  [
    "capex $B",
    (row) =>
      span(number(row.capexUsd === undefined ? undefined : row.capexUsd / 1e9, 2), RESULT_TERMS.capex.help),
  ],
  ["$/GPU-h", (row) => span(number(row.usdPerGpuHour, 2), RESULT_TERMS.usdPerGpuHour.help)],
  [
    "training $M",
    (row) =>
      span(
        number(row.trainingUsd === undefined ? undefined : row.trainingUsd / 1e6, 1),
        RESULT_TERMS.trainingUsd.help,
      ),
  ],
  [
    "run $M",
    (row) =>
      span(number(row.runUsd === undefined ? undefined : row.runUsd / 1e6, 1), RESULT_TERMS.runUsd.help),
  ],
];

const scaled = (value: number | undefined, scale: number) =>
  value === undefined ? undefined : value * scale;

/** The replica's layout is the first serving column (text); the rest are figures. */
const SERVING_COLUMNS: readonly Column[] = [
  ["replica", (row) => span(row.servingLayout ?? "-", SERVING_TERMS.servingLayout.help)],
  ["replicas", (row) => span(number(row.servingReplicas, 0), SERVING_TERMS.servingReplicas.help)],
  ["serving GPUs", (row) => span(number(row.servingGpus, 0), SERVING_TERMS.servingGpus.help)],
  ["serving MW", (row) => span(number(row.servingMegawatts, 2), SERVING_TERMS.servingMegawatts.help)],
  ["TTFT s", (row) => span(number(row.ttftSeconds, 3), SERVING_TERMS.ttftSeconds.help)],
  ["TPOT ms", (row) => span(number(scaled(row.tpotSeconds, 1e3), 1), SERVING_TERMS.tpotSeconds.help)],
  ["$/M tokens", (row) => span(number(row.usdPerMillionTokens, 3), SERVING_TERMS.usdPerMillionTokens.help)],
  ["Wh/request", (row) => span(number(row.whPerRequest, 2), SERVING_TERMS.whPerRequest.help)],
  [
    "serving $M/yr",
    (row) => span(number(scaled(row.servingUsdPerYear, 1e-6), 1), SERVING_TERMS.servingUsdPerYear.help),
  ],
];

/** One row per point of the sweep; a point that failed says why in its note. */
export function sweepReport(rows: readonly SweepRow[], variations: readonly Variation[]): ReportDocument {
  const sides = sweepSides(rows);
  const training = sides.training ? TRAINING_COLUMNS : [];
  const serving = sides.serving ? SERVING_COLUMNS : [];
  const columns = [...training, ...serving];
  const header = [...variations.map((v) => v.path), ...columns.map(([name]) => name), "note"];
  const body = rows.map((row) => [
    ...variations.map((v) => span(String(row.values[v.path]), "the swept value")),
    ...columns.map(([, cell]) => cell(row)),
    span(row.error ?? "", "why the point could not be planned"),
  ]);
  const replicaColumn = variations.length + training.length;
  return {
    sections: [
      {
        title: `Sweep of ${variations.map((v) => v.path).join(" x ")}`,
        table: {
          header,
          rows: body,
          textColumns: [...(sides.serving ? [replicaColumn] : []), header.length - 1],
          help: "one row per point of the sweep",
        },
      },
    ],
  };
}
