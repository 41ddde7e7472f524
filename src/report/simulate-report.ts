import { type RunPercentile, runPercentiles, type SimulationResult } from "../reliability/simulate.ts";
import { formatPercent, formatSeconds, formatUsd } from "../units.ts";
import { type Line, type ReportDocument, row, span } from "./document.ts";
import { RUN_TERMS, termKeys } from "./glossary.ts";

/** How each of the run's figures is written. */
const RUN_FIGURE_FORMATS: Readonly<Record<RunPercentile, (value: number) => string>> = {
  days: (v) => v.toFixed(1),
  goodput: (v) => formatPercent(v),
  interruptions: (v) => Math.round(v).toLocaleString("en-US"),
  energyMegawattHours: (v) => Math.round(v).toLocaleString("en-US"),
  costUsd: formatUsd,
};

/** How the run's cost is made, so it reconciles with the GPU-hours and $ per GPU-hour a reader sees. */
function costLine(result: SimulationResult): Line {
  const hoursP50 = result.days.p50 * 24;
  return [
    span(
      `run cost P50 ${formatUsd(result.costUsd.p50)} = ${result.gpusHeld.toLocaleString("en-US")} GPUs held x ` +
        `${Math.round(hoursP50).toLocaleString("en-US")} wall-clock hours x $${result.usdPerGpuHour.toFixed(2)} per GPU-hour ` +
        "(wall-clock hours, failures and restarts included; the plan's GPU-hours count uninterrupted compute only)",
      RUN_TERMS.costUsd.help,
    ),
  ];
}

/** The run over time: checkpoints, P10/P50/P90 of days, goodput, energy and cost, interruptions by cause. */
export function simulationReport(result: SimulationResult): ReportDocument {
  const what =
    result.windowDays !== undefined ? `a ${result.windowDays}-day window` : "the run to completion";
  const c = result.checkpoint;
  const percentiles = runPercentiles(result);
  const monteCarlo = ` (Monte Carlo, ${result.trials} trials, seed ${result.seed})`;
  const analytic: Line[] = result.analytic
    ? [
        `closed form (Daly): ${result.analytic.days.toFixed(1)} days, goodput ${formatPercent(result.analytic.goodput)} ` +
          `(Monte Carlo mean ${result.days.mean.toFixed(1)} days)`,
      ]
    : [];
  const causes = Object.entries(result.interruptions.byCause)
    .filter(([, mean]) => mean > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    sections: [
      {
        title: `Run simulation: ${result.trials.toLocaleString("en-US")} trials of ${what} (seed ${result.seed})`,
        notes: [
          [
            span(
              `job MTBF ${result.mtbfHours.toFixed(2)} h`,
              "1 / (GPUs x the failure mix's rate per GPU-hour)",
            ),
            span(
              `; checkpoint ${(c.bytes / 1e12).toFixed(2)} TB (${c.mode}): ` +
                `stalls ${formatSeconds(c.blockingSeconds)}, durable in ${formatSeconds(c.writeSeconds)}, loads in ${formatSeconds(c.loadSeconds)}`,
              "weights + optimizer state (FP32 master copies); the stall is the write for sync, the snapshot for async",
            ),
          ],
          [
            span(
              `interval ${formatSeconds(c.intervalSeconds)} (${c.method}; Young ${formatSeconds(c.youngSeconds)}, Daly ${formatSeconds(c.dalySeconds)}); ` +
                `${Math.round(c.mean).toLocaleString("en-US")} checkpoints per run`,
              "fixed, or Young's sqrt(2 x write x MTBF) or Daly's refinement of it",
            ),
          ],
        ],
      },
      {
        table: {
          header: ["", "P10", "P50", "P90"],
          rows: termKeys(RUN_TERMS).map((key) => {
            const p = percentiles[key];
            const format = RUN_FIGURE_FORMATS[key];
            return row(
              [RUN_TERMS[key].label, format(p.p10), format(p.p50), format(p.p90)],
              RUN_TERMS[key].help + monteCarlo,
            );
          }),
          help: `the run with failures${monteCarlo}`,
        },
        notes: [...analytic, costLine(result)],
      },
      {
        title: `Interruptions by cause (mean per run; ${result.interruptions.planned.toFixed(1)} planned besides)`,
        table: {
          header: ["cause", "mean", "share"],
          rows: causes.map(([cause, mean]) =>
            row([cause, mean.toFixed(1), formatPercent(mean / result.interruptions.mean)]),
          ),
          help: `interruptions of each cause in the failure mix, mean over the trials${monteCarlo}`,
        },
      },
    ],
  };
}
