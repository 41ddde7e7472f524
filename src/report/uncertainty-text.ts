import type { UncertaintyResult } from "../scenario/uncertainty.ts";
import { renderTable } from "./table.ts";

function shown(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  return value.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
}

export function renderUncertaintyText(result: UncertaintyResult): string {
  const lines = [
    `Uncertainty: ${result.samples} samples of ${result.inputs.length} uncertain inputs (seed ${result.seed})`,
  ];
  lines.push(
    renderTable(
      ["input", "P10", "P50", "P90"],
      result.inputs.map((i) => [i.path, shown(i.p10), shown(i.p50), shown(i.p90)]),
    ),
  );
  lines.push("");
  lines.push(
    renderTable(
      ["result", "P10", "P50", "P90", "moved most by (P10 -> P90 of that input alone)"],
      Object.entries(result.outputs).map(([name, p]) => {
        const top = (result.sensitivity[name] ?? []).filter((s) => s.swing > 0).slice(0, 2);
        const movers = top.map((s) => `${s.input} (${shown(s.atP10)} -> ${shown(s.atP90)})`).join("; ");
        return [name, shown(p.p10), shown(p.p50), shown(p.p90), movers || "none of them"];
      }),
      [4],
    ),
  );
  return lines.join("\n");
}
