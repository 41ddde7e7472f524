import type { SimulationResult } from "../reliability/simulate.ts";
import { formatPercent, formatSeconds, formatUsd } from "../units.ts";
import { renderTable } from "./table.ts";

export function renderSimulationText(result: SimulationResult): string {
  const lines: string[] = [];
  const what =
    result.windowDays !== undefined ? `a ${result.windowDays}-day window` : "the run to completion";
  lines.push(
    `Run simulation: ${result.trials.toLocaleString("en-US")} trials of ${what} (seed ${result.seed})`,
  );
  const c = result.checkpoint;
  lines.push(
    `  job MTBF ${result.mtbfHours.toFixed(2)} h; checkpoint ${(c.bytes / 1e12).toFixed(2)} TB (${c.mode}): ` +
      `stalls ${formatSeconds(c.blockingSeconds)}, durable in ${formatSeconds(c.writeSeconds)}, loads in ${formatSeconds(c.loadSeconds)}`,
  );
  lines.push(
    `  interval ${formatSeconds(c.intervalSeconds)} (${c.method}; Young ${formatSeconds(c.youngSeconds)}, Daly ${formatSeconds(c.dalySeconds)}); ` +
      `${Math.round(c.mean).toLocaleString("en-US")} checkpoints per run`,
  );
  lines.push("");
  const row = (
    label: string,
    p: { p10: number; p50: number; p90: number },
    format: (v: number) => string,
  ) => [label, format(p.p10), format(p.p50), format(p.p90)];
  lines.push(
    renderTable(
      ["", "P10", "P50", "P90"],
      [
        row("wall-clock days", result.days, (v) => v.toFixed(1)),
        row("goodput", result.goodput, (v) => formatPercent(v)),
        row("interruptions", result.interruptions.total, (v) => Math.round(v).toLocaleString("en-US")),
        row("energy (MWh)", result.energyMegawattHours, (v) => Math.round(v).toLocaleString("en-US")),
        row("cluster cost for the run", result.costUsd, formatUsd),
      ],
    ),
  );
  if (result.analytic) {
    lines.push(
      `  closed form (Daly): ${result.analytic.days.toFixed(1)} days, goodput ${formatPercent(result.analytic.goodput)} ` +
        `(Monte Carlo mean ${result.days.mean.toFixed(1)} days)`,
    );
  }
  lines.push("");
  lines.push(
    `Interruptions by cause (mean per run; ${result.interruptions.planned.toFixed(1)} planned besides)`,
  );
  const causes = Object.entries(result.interruptions.byCause)
    .filter(([, mean]) => mean > 0)
    .sort((a, b) => b[1] - a[1]);
  lines.push(
    renderTable(
      ["cause", "mean", "share"],
      causes.map(([cause, mean]) => [
        cause,
        mean.toFixed(1),
        formatPercent(mean / result.interruptions.mean),
      ]),
    ),
  );
  return lines.join("\n");
}
