import type { SweepRow, Variation } from "../pipeline/sweep.ts";

// A sweep as CSV: one row per point, the varied fields first.

const SWEEP_COLUMNS = [
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
  "error",
] as const;

function csvCell(value: unknown): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function sweepCsv(rows: readonly SweepRow[], variations: readonly Variation[]): string {
  const header = [...variations.map((v) => v.path), ...SWEEP_COLUMNS];
  const lines = rows.map((row) =>
    [...variations.map((v) => row.values[v.path]), ...SWEEP_COLUMNS.map((column) => row[column])]
      .map(csvCell)
      .join(","),
  );
  return [header.join(","), ...lines].join("\n");
}
