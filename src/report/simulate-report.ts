import type { GoodputLosses, RecoverySummary } from "../reliability/recovery-analysis.ts";
import { type RunPercentile, runPercentiles, type SimulationResult } from "../reliability/simulate.ts";
import { formatGrouped, formatNumber, formatPercent, formatSeconds, formatUsd } from "../units.ts";
import { type Line, type ReportDocument, row, type Section, span } from "./document.ts";
import { RUN_TERMS, termKeys } from "./glossary.ts";

/** How each of the run's figures is written. */
const RUN_FIGURE_FORMATS: Readonly<Record<RunPercentile, (value: number) => string>> = {
  days: (v) => v.toFixed(1),
  goodput: (v) => formatPercent(v),
  interruptions: (v) => formatGrouped(Math.round(v)),
  energyMegawattHours: (v) => formatGrouped(Math.round(v)),
  costUsd: formatUsd,
};

/** How the run's cost is made, so it reconciles with the GPU-hours and $ per GPU-hour a reader sees. */
function costLine(result: SimulationResult): Line {
  const hoursP50 = result.days.p50 * 24;
  return [
    span(
      `run cost P50 ${formatUsd(result.costUsd.p50)} = ${formatNumber(result.gpusHeld)} GPUs held x ` +
        `${formatGrouped(Math.round(hoursP50))} wall-clock hours x $${result.usdPerGpuHour.toFixed(2)} per GPU-hour ` +
        "(wall-clock hours, failures and restarts included; the plan's GPU-hours count uninterrupted compute only)",
      RUN_TERMS.costUsd.help,
    ),
  ];
}

/** Where the wall-clock time goes, row by row, with what each row means. */
const LOSS_ROWS: readonly (readonly [keyof GoodputLosses, string, string])[] = [
  ["goodput", "goodput (training that counted)", "compute at the ideal rate over wall-clock time"],
  [
    "stragglers",
    "stragglers",
    "training time lost to slow or degraded nodes (reliability.stragglerSlowdown, less what eviction removes)",
  ],
  [
    "checkpointStalls",
    "checkpoint stalls",
    "training stalled while a checkpoint is written (sync) or snapshotted (async, in-memory)",
  ],
  [
    "restarts",
    "detection, restart and load",
    "from each failure to training again: detection, the restart at this size, the checkpoint load",
  ],
  [
    "lostWork",
    "lost work (redone)",
    "training since the last usable checkpoint, thrown away by a failure and computed again",
  ],
  ["repairWaits", "waiting for repairs", "failures that found no spare wait for a repair"],
  ["plannedStops", "planned stops", "upgrades and configuration changes: checkpoint, restart and load"],
];

function replicaText(recovery: RecoverySummary): string {
  if (recovery.checkpointMode !== "in-memory") return `checkpoints ${recovery.checkpointMode}`;
  const where =
    recovery.replica === "other-rack"
      ? "copy in another rack: survives node and rack losses"
      : recovery.replica === "same-rack"
        ? "copy in the same rack: a rack loss takes both copies"
        : "no second copy: a node loss takes it";
  const fallback =
    recovery.fallbackCauses.length > 0
      ? `; back to the durable copy after: ${recovery.fallbackCauses.join(", ")}`
      : "";
  return `checkpoints in host memory (${where})${fallback}`;
}

/** The recovery practice, what each feature adds, and where the time goes with and without it. */
function recoverySections(recovery: RecoverySummary, mtbfHours: number): Section[] {
  const target = formatPercent(recovery.target);
  const restart =
    `${recovery.restart === "in-job" ? "in-job" : "full job"} restart ${formatSeconds(recovery.restartSeconds)} ` +
    `at ${formatNumber(recovery.ranks)} ranks`;
  const reached = recovery.ladder.find(
    (step) => (step.feature ?? "baseline-2024") === recovery.reachesTargetAt,
  );
  const verdict: Line = reached
    ? `${target} goodput P50 is reached with ${reached.feature ? `the features up to ${reached.label.slice(2)}` : "baseline-2024 alone"}`
    : [
        span(
          `${target} goodput P50 is not reached: with a failure every ${formatSeconds(mtbfHours * 3600)}, detection + restart + load ` +
            `would have to stay within about ${formatSeconds(recovery.recoveryBudgetSeconds)} a failure (estimate, the other losses as they are)`,
          "(1 - target - the losses other than restarts) x the job's MTBF",
        ),
      ];
  const trials = ` (goodput P50 over ${recovery.ladderTrials} trials each, same seed)`;
  return [
    {
      title: `Recovery: ${recovery.practice}`,
      notes: [
        [
          span(
            recovery.displayName,
            `${recovery.source.ref} [${recovery.source.kind}]${recovery.source.note ? `: ${recovery.source.note}` : ""}`,
          ),
        ],
        `detection ${formatSeconds(recovery.detectSeconds)}; ${restart}; ${replicaText(recovery)}`,
        `spares run short for ${formatPercent(recovery.sparesShortChance)} of hardware failures; ` +
          `straggler slowdown left ${formatPercent(recovery.stragglerSlowdown)}`,
        `source (${recovery.source.kind}): ${recovery.source.ref}`,
      ],
    },
    {
      title: `What each recovery feature adds, from baseline-2024 to ${recovery.practice}`,
      table: {
        header: ["recovery", "goodput P50", "gain", `reaches ${target}`],
        rows: recovery.ladder.map((step) =>
          row(
            [
              step.label,
              step.finishes ? formatPercent(step.goodputP50) : "cannot finish",
              step.feature && step.finishes
                ? `${step.gain >= 0 ? "+" : ""}${(step.gain * 100).toFixed(1)} pt`
                : "",
              step.goodputP50 >= recovery.target ? "yes" : "no",
            ],
            `each row adds one feature to the row above${trials}`,
          ),
        ),
        textColumns: [0],
        help: `the run with each recovery feature added in turn${trials}`,
      },
      notes: [verdict],
    },
    {
      title: `Where the wall-clock time goes (mean of the first ${recovery.lossTrials} trials, traced)`,
      table: {
        header: ["", "baseline-2024", recovery.practice],
        rows: LOSS_ROWS.map(([key, label, help]) =>
          row(
            [
              label,
              recovery.losses.baseline ? formatPercent(recovery.losses.baseline[key]) : "cannot finish",
              formatPercent(recovery.losses.practice[key]),
            ],
            help,
          ),
        ),
        textColumns: [0],
        help: "shares of wall-clock time; each column adds up to 100%",
      },
    },
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
        title: `Run simulation: ${formatNumber(result.trials)} trials of ${what} (seed ${result.seed})`,
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
                `${formatGrouped(Math.round(c.mean))} checkpoints per run`,
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
      ...(result.recovery ? recoverySections(result.recovery, result.mtbfHours) : []),
    ],
  };
}
