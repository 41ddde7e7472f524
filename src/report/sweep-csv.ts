import type { SweepRow, Variation } from "../pipeline/sweep.ts";
import { sweepSides } from "./sweep-sides.ts";

// A sweep as CSV: one row per point, the varied fields first, the error last.

const TRAINING_COLUMNS = [
  "gpus",
  "stepSeconds",
  "tokensPerSecond",
  "mfu",
  "days",
  "gpuHours",
  "capexUsd",
  "usdPerGpuHour",
  "trainingUsd",
  "daysWithFailures",
  "goodput",
  "runUsd",
  "facilityMegawatts",
] as const satisfies readonly (keyof SweepRow)[];

const SERVING_COLUMNS = [
  "servingLayout",
  "servingReplicas",
  "servingGpus",
  "servingMegawatts",
  "ttftSeconds",
  "tpotSeconds",
  "usdPerMillionTokens",
  "whPerRequest",
  "servingUsdPerYear",
] as const satisfies readonly (keyof SweepRow)[];

function csvCell(value: unknown): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function sweepCsv(rows: readonly SweepRow[], variations: readonly Variation[]): string {
  const sides = sweepSides(rows);
  const columns = [
    ...(sides.training ? TRAINING_COLUMNS : []),
    ...(sides.serving ? SERVING_COLUMNS : []),
    "error",
  ] as const;
  const header = [...variations.map((v) => v.path), ...columns];
  const lines = rows.map((row) =>
    [...variations.map((v) => row.values[v.path]), ...columns.map((column) => row[column])]
      .map(csvCell)
      .join(","),
  );
  return [header.join(","), ...lines].join("\n");
}
