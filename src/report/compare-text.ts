import type { ScenarioSummary } from "../pipeline/compare.ts";
import { paint } from "./style.ts";
import { renderTable } from "./table.ts";

/** Differences under this share are not highlighted. */
const NOTABLE = 0.05;

function shown(value: number | undefined): string {
  if (value === undefined) return "-";
  const abs = Math.abs(value);
  return value.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 0 : abs >= 10 ? 1 : 2 });
}

export function renderCompareText(a: ScenarioSummary, b: ScenarioSummary): string {
  const rows = a.metrics.map((metric, i) => {
    const other = b.metrics[i];
    const x = metric.value;
    const y = other?.value;
    let change = "";
    if (x !== undefined && y !== undefined && x !== 0) {
      const ratio = y / x - 1;
      change = `${ratio >= 0 ? "+" : ""}${(ratio * 100).toFixed(1)}%`;
      if (Math.abs(ratio) >= NOTABLE && metric.better !== "neither") {
        const improved = ratio > 0 === (metric.better === "higher");
        change = paint(`${change} ${improved ? "better" : "worse"}`, improved ? "green" : "red");
      }
    }
    return [metric.label, shown(x), shown(y), change];
  });
  return [
    `A: ${a.name} (${a.gpus.toLocaleString("en-US")} x ${a.accelerator}; ${a.layout})`,
    `B: ${b.name} (${b.gpus.toLocaleString("en-US")} x ${b.accelerator}; ${b.layout})`,
    renderTable(["", "A", "B", "B against A"], rows, [3]),
  ].join("\n");
}
