import type { UncertaintyResult } from "../pipeline/uncertainty.ts";
import { formatQuantity } from "../units.ts";
import { renderTable } from "./table.ts";

export function renderUncertaintyText(result: UncertaintyResult): string {
  const lines = [
    `Uncertainty: ${result.samples} samples of ${result.inputs.length} uncertain inputs (seed ${result.seed})`,
  ];
  lines.push(
    renderTable(
      ["input", "P10", "P50", "P90"],
      result.inputs.map((i) => [i.path, formatQuantity(i.p10), formatQuantity(i.p50), formatQuantity(i.p90)]),
    ),
  );
  lines.push("");
  lines.push(
    renderTable(
      ["result", "P10", "P50", "P90", "moved most by (P10 -> P90 of that input alone)"],
      Object.entries(result.outputs).map(([name, p]) => {
        const top = (result.sensitivity[name] ?? []).filter((s) => s.swing > 0).slice(0, 2);
        const movers = top
          .map((s) => `${s.input} (${formatQuantity(s.atP10)} -> ${formatQuantity(s.atP90)})`)
          .join("; ");
        return [
          name,
          formatQuantity(p.p10),
          formatQuantity(p.p50),
          formatQuantity(p.p90),
          movers || "none of them",
        ];
      }),
      [4],
    ),
  );
  return lines.join("\n");
}
