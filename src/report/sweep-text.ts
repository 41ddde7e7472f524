import type { SweepRow, Variation } from "../pipeline/sweep.ts";
import { formatPercent } from "../units.ts";
import { renderTable } from "./table.ts";

function number(value: number | undefined, digits: number): string {
  return value === undefined
    ? "-"
    : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function renderSweepText(rows: readonly SweepRow[], variations: readonly Variation[]): string {
  const header = [
    ...variations.map((v) => v.path),
    "GPUs",
    "step s",
    "M tokens/s",
    "MFU",
    "days",
    "capex $B",
    "$/GPU-h",
    "training $M",
    "note",
  ];
  const body = rows.map((row) => [
    ...variations.map((v) => String(row.values[v.path])),
    number(row.gpus, 0),
    number(row.stepSeconds, 3),
    number(row.tokensPerSecond === undefined ? undefined : row.tokensPerSecond / 1e6, 2),
    row.mfu === undefined ? "-" : formatPercent(row.mfu),
    number(row.days, 1),
    number(row.capexUsd === undefined ? undefined : row.capexUsd / 1e9, 2),
    number(row.usdPerGpuHour, 2),
    number(row.trainingUsd === undefined ? undefined : row.trainingUsd / 1e6, 1),
    row.error ?? "",
  ]);
  return renderTable(header, body, [header.length - 1]);
}
