import type { ScenarioSummary } from "../pipeline/compare.ts";
import { formatGrouped, formatNumber } from "../units.ts";
import { type ReportDocument, type Span, span } from "./document.ts";

/** Differences under this share are not marked better or worse. */
const NOTABLE = 0.05;

function shown(value: number | undefined): string {
  if (value === undefined) return "-";
  const abs = Math.abs(value);
  // Under 1 ($ per million tokens, seconds to the first token): three significant digits, not 0.1.
  // Three significant digits below 1.
  if (abs > 0 && abs < 1) return formatGrouped(value, 2 - Math.floor(Math.log10(abs)), true);
  return formatGrouped(value, abs >= 100 ? 0 : abs >= 10 ? 1 : 2, true);
}

/** Two scenarios side by side: signed differences, notable ones marked better or worse. */
export function compareReport(a: ScenarioSummary, b: ScenarioSummary): ReportDocument {
  // Rows matched by key (only a side that serves has serving rows); rows neither side has (training
  // rows between two build-outs) are left out.
  const metrics = [...a.metrics, ...b.metrics.filter((m) => !a.metrics.some((n) => n.key === m.key))];
  const valueIn = (summary: ScenarioSummary, key: string) =>
    summary.metrics.find((m) => m.key === key)?.value;
  const pairs = metrics
    .map((metric) => ({ metric, x: valueIn(a, metric.key), y: valueIn(b, metric.key) }))
    .filter(({ x, y }) => x !== undefined || y !== undefined);
  const rows = pairs.map(({ metric, x, y }): Span[] => {
    const help = `${metric.label}${metric.better === "neither" ? "" : `: ${metric.better} is better`}`;
    let change = span("", "B / A - 1");
    if (x !== undefined && y !== undefined && x !== 0) {
      const ratio = y / x - 1;
      const signed = `${ratio >= 0 ? "+" : ""}${(ratio * 100).toFixed(1)}%`;
      if (Math.abs(ratio) >= NOTABLE && metric.better !== "neither") {
        const improved = ratio > 0 === (metric.better === "higher");
        change = span(`${signed} ${improved ? "better" : "worse"}`, "B / A - 1", improved ? "good" : "bad");
      } else {
        change = span(signed, "B / A - 1");
      }
    }
    return [span(metric.label, help), span(shown(x), help), span(shown(y), help), change];
  });
  return {
    sections: [
      {
        lines: [
          `A: ${a.name} (${formatNumber(a.gpus)} x ${a.accelerator}; ${a.layout})`,
          `B: ${b.name} (${formatNumber(b.gpus)} x ${b.accelerator}; ${b.layout})`,
        ],
        table: {
          header: ["", "A", "B", "B against A"],
          rows,
          textColumns: [3],
          help: "scenario A and scenario B",
        },
      },
    ],
  };
}
