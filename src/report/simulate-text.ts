import { type RunPercentile, runPercentiles, type SimulationResult } from "../reliability/simulate.ts";
import { formatPercent, formatSeconds, formatUsd } from "../units.ts";
import { RUN_TERMS, termKeys } from "./glossary.ts";
import { renderTable } from "./table.ts";

/** How each of the run's figures is written, in the text report and the page alike. */
export const RUN_FIGURE_FORMATS: Readonly<Record<RunPercentile, (value: number) => string>> = {
  days: (v) => v.toFixed(1),
  goodput: (v) => formatPercent(v),
  interruptions: (v) => Math.round(v).toLocaleString("en-US"),
  energyMegawattHours: (v) => Math.round(v).toLocaleString("en-US"),
  costUsd: formatUsd,
};

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
  const percentiles = runPercentiles(result);
  lines.push(
    renderTable(
      ["", "P10", "P50", "P90"],
      termKeys(RUN_TERMS).map((key) => {
        const p = percentiles[key];
        const format = RUN_FIGURE_FORMATS[key];
        return [RUN_TERMS[key].label, format(p.p10), format(p.p50), format(p.p90)];
      }),
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
