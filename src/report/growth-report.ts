import { monthText } from "../facility/phases.ts";
import type { GrowthReport } from "../pipeline/growth.ts";
import { formatGrouped, formatPercent, formatUsd } from "../units.ts";
import { type Line, type ReportDocument, row, type Section, span } from "./document.ts";

const count = (value: number) => formatGrouped(Math.round(value));
const megawatts = (mw: number) => `${formatGrouped(mw, 0, true)} MW`;
const tokensText = (tokens: number) => `${formatGrouped(tokens / 1e12, 1, true)} T`;

/** Accelerators in the order their first phase comes. */
export function acceleratorsOf(report: GrowthReport): string[] {
  return [...new Set(report.phases.map((p) => p.accelerator))];
}

function phasesSection(report: GrowthReport): Section {
  return {
    title: "Phases",
    lines: [
      `${report.site}; supply ${report.chipsPerYear === undefined ? "not limited" : `${count(report.chipsPerYear)} chips a year`}`,
    ],
    table: {
      header: ["phase", "from", "accelerator", "platform", "GPUs", "facility MW", "capex", "complete"],
      textColumns: [1, 2, 3, 7],
      help: "Each phase is a build-out of its own (fabric, racks, storage, building share) at the site's prices.",
      rows: report.phases.map((p) =>
        row([
          p.name,
          monthText(p.month),
          p.accelerator,
          p.platform,
          count(p.gpus),
          megawatts(p.facilityMegawatts),
          formatUsd(p.capexUsd),
          p.completeMonth ?? `${count(p.undeliveredGpus)} GPUs after ${report.until}`,
        ]),
      ),
    },
  };
}

function quartersSection(report: GrowthReport): Section {
  const accelerators = acceleratorsOf(report);
  return {
    title: "Quarter by quarter",
    table: {
      header: [
        "quarter",
        ...accelerators,
        "GPUs",
        "dense PFLOP/s",
        "facility MW",
        "capex",
        "cumulative capex",
        "electricity",
      ],
      help: "At the quarter's end. Dense bf16 PFLOP/s; electricity at typical training draw, arrivals billed the whole quarter.",
      rows: report.quarters.map((q) =>
        row([
          q.quarter,
          ...accelerators.map((a) => count(q.gpusByAccelerator[a] ?? 0)),
          count(q.gpus),
          count(q.denseFlops / 1e15),
          megawatts(q.facilityMegawatts),
          formatUsd(q.capexUsd),
          formatUsd(q.cumulativeCapexUsd),
          formatUsd(q.electricityUsd),
        ]),
      ),
    },
    notes: [`electricity price: ${report.sources.electricity}`],
  };
}

function runsSection(report: GrowthReport): Section | undefined {
  if (report.runs.length === 0) return undefined;
  const notes: Line[] = report.runs.flatMap((r): Line[] =>
    !r.placed
      ? [[span(`${r.name}: not placed, ${r.reason}`, undefined, "bad")]]
      : r.adjustment
        ? [`${r.name}: ${r.adjustment}`]
        : [],
  );
  notes.push(
    "A run starts when the GPUs it needs are online and keeps that cluster (it does not grow under it); " +
      "its speed is the best layout's on that cluster (one search per distinct cluster).",
  );
  const placed = report.runs.filter((r) => r.placed);
  if (placed.length === 0) return { title: `Runs (what can be trained by ${report.until})`, notes };
  return {
    title: `Runs (what can be trained by ${report.until})`,
    table: {
      header: [
        "run",
        "accelerator",
        "GPUs",
        "tokens",
        "start",
        "days",
        "finish",
        "MFU",
        `tokens by ${report.until}`,
      ],
      textColumns: [1, 4, 6],
      help: "Training runs of the scenario's model placed on the growing fleet.",
      rows: placed.map((r) =>
        r.placed
          ? [
              span(r.name),
              span(r.accelerator),
              span(count(r.gpus)),
              span(tokensText(r.tokens)),
              span(r.start),
              span(r.days.toFixed(1)),
              span(r.finish, undefined, r.finishesByUntil ? "good" : "bad"),
              span(formatPercent(r.mfu)),
              span(tokensText(r.tokensByUntil)),
            ]
          : [],
      ),
    },
    notes,
  };
}

export function growthReport(report: GrowthReport): ReportDocument {
  const last = report.quarters[report.quarters.length - 1];
  const headline: Line[] = last
    ? [
        `By ${last.quarter}: ${count(last.gpus)} GPUs, ${count(last.denseFlops / 1e15)} dense PFLOP/s, ` +
          `${megawatts(last.facilityMegawatts)} of facility power, ${formatUsd(last.cumulativeCapexUsd)} of capex`,
      ]
    : [];
  const runs = runsSection(report);
  return {
    sections: [
      { title: report.name, lines: headline },
      phasesSection(report),
      quartersSection(report),
      ...(runs ? [runs] : []),
    ],
  };
}

/** The report as plain data for --json. */
export function growthJson(report: GrowthReport): Record<string, unknown> {
  return {
    ...report,
    phases: report.phases.map((p) => ({ ...p, month: monthText(p.month) })),
    quarters: report.quarters.map(({ month: _month, ...q }) => q),
  };
}
