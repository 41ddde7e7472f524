import { TIMELINE_KINDS, type TimelineKind, type TrialTimeline } from "../reliability/trace.ts";
import { formatSeconds, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../units.ts";
import { charsIn, count, frame, INK, MUTED, n, rect, text, wrap } from "./svg.ts";

// One simulated trial of the run as a timeline: a lane for each thing the cluster does (training,
// checkpoint stalls, lost work, recoveries, repair waits, planned stops) and the interruptions above
// them. Drawn from the trace's bins, which cover the whole trial at a fixed resolution, so a run with
// thousands of failures draws as fast and as small as one with three.

const WIDTH = 600;
const MARGIN = 20;
const PLOT = WIDTH - 2 * MARGIN;

export const TIMELINE_LANES: Readonly<Record<TimelineKind, { label: string; colour: string }>> = {
  training: { label: "training that counted", colour: "#4c78a8" },
  checkpoint: { label: "checkpoint stalls", colour: "#72b7b2" },
  lost: { label: "lost work (recomputed after a failure)", colour: "#e45756" },
  recovery: { label: "detection, restart and checkpoint load", colour: "#f58518" },
  repair: { label: "waiting for hardware repair", colour: "#b279a2" },
  planned: { label: "planned stops", colour: "#9d9d9d" },
};

const FAILURE = "#d62728";
const PLANNED = "#7f7f7f";

export interface RunTimelineOptions {
  /** What the run is (the scenario's name), for the title. */
  readonly title?: string;
}

/** An axis of days (hours or minutes for a short run) with at most seven ticks. */
function ticks(wallSeconds: number): { unit: number; name: string; step: number } {
  const [unit, name] =
    wallSeconds >= 2 * SECONDS_PER_DAY
      ? [SECONDS_PER_DAY, "days"]
      : wallSeconds >= 2 * SECONDS_PER_HOUR
        ? [SECONDS_PER_HOUR, "hours"]
        : [60, "minutes"];
  const span = wallSeconds / unit;
  const steps = [1, 2, 5].flatMap((s) => [s / 10, s, s * 10, s * 100, s * 1000, s * 10000]);
  const step = steps.sort((a, b) => a - b).find((s) => span / s <= 7) ?? span;
  return { unit, name, step };
}

/** Wall-clock time in days with one decimal; a run under two days in hours or minutes. */
function wallClock(seconds: number): string {
  return seconds >= 2 * SECONDS_PER_DAY
    ? `${(seconds / SECONDS_PER_DAY).toFixed(1)} days`
    : formatSeconds(seconds);
}

/** A time span for a label: days, hours or minutes as they read best. */
function duration(seconds: number): string {
  return seconds > 0 ? formatSeconds(seconds) : "none";
}

/**
 * One simulated trial as a horizontal timeline in days: the interruptions (failures and planned stops)
 * per column above a lane per kind of time, each lane shaded by the share of each column's time it
 * took, with its total; the trial's wall-clock days, goodput and counts in the heading. An SVG string
 * that scales to its container (viewBox, width 100%).
 */
export function runTimelineSvg(timeline: TrialTimeline, options: RunTimelineOptions = {}): string {
  const { outcome, bins } = timeline;
  const wall = Math.max(outcome.wallSeconds, 1e-9);
  const parts: string[] = [];
  let y = 14;
  const title = options.title ? `One simulated trial: ${options.title}` : "One simulated trial of the run";
  for (const line of wrap(title, charsIn(PLOT, 20))) {
    parts.push(text(MARGIN, y + 20, line, { size: 20, weight: "bold" }));
    y += 26;
  }
  const summary =
    `${wallClock(outcome.wallSeconds)} of wall-clock time` +
    (timeline.windowSeconds !== undefined ? " (a fixed window)" : "") +
    `, goodput ${(timeline.goodput * 100).toFixed(1)}%: ${count(outcome.interruptions)} failures, ` +
    `${count(outcome.planned)} planned stops and ${count(outcome.checkpoints)} checkpoints ` +
    `(every ${formatSeconds(timeline.intervalSeconds)} of training, ${formatSeconds(timeline.checkpointSeconds)} stall each). ` +
    `Trial ${timeline.trial} of the Monte Carlo with seed ${timeline.seed}.`;
  const summaryLines = wrap(summary, charsIn(PLOT, 14));
  summaryLines.forEach((line, i) => {
    parts.push(text(MARGIN, y + 14 + i * 19, line, { size: 14, fill: MUTED }));
  });
  y += summaryLines.length * 19 + 14;

  const columns = bins.failures.length;
  const x = (seconds: number) => MARGIN + (PLOT * Math.min(seconds, wall)) / wall;
  const column = (i: number) => {
    const from = i * bins.seconds;
    const to = Math.min((i + 1) * bins.seconds, wall);
    return { x0: x(from), x1: x(to), seconds: Math.max(to - from, 1e-9) };
  };
  const gridTop = y;

  // Interruptions: failures up from the line, planned stops down, height by the count in the column.
  const most = Math.max(1, ...bins.failures, ...bins.planned);
  parts.push(text(MARGIN, y + 14, "interruptions: failures up, planned stops down", { size: 14 }));
  parts.push(
    text(MARGIN + PLOT, y + 14, `at most ${count(most)} a column`, { size: 13, anchor: "end", fill: MUTED }),
  );
  y += 22;
  const half = 18;
  const mid = y + half;
  for (let i = 0; i < columns; i++) {
    const { x0, x1 } = column(i);
    const width = Math.max(1, x1 - x0 - 0.3);
    const failures = bins.failures[i] ?? 0;
    const planned = bins.planned[i] ?? 0;
    if (failures > 0) {
      const h = Math.max(3, (half * failures) / most);
      parts.push(rect(x0, mid - h, width, h, FAILURE));
    }
    if (planned > 0) {
      const h = Math.max(3, (half * planned) / most);
      parts.push(rect(x0, mid, width, h, PLANNED));
    }
  }
  parts.push(
    `<line x1="${MARGIN}" x2="${MARGIN + PLOT}" y1="${n(mid)}" y2="${n(mid)}" stroke="${INK}" stroke-width="0.5"/>`,
  );
  y += 2 * half + 10;

  // A lane a kind: label and total, then the strip shaded column by column (runs of a shade merged).
  const laneHeight = 16;
  for (const kind of TIMELINE_KINDS) {
    const lane = TIMELINE_LANES[kind];
    const total = timeline.totals[kind];
    parts.push(rect(MARGIN, y + 3, 12, 12, lane.colour));
    const share = `${duration(total)}, ${((100 * total) / wall).toFixed(1)}%`;
    const labelChars = charsIn(PLOT - 20 - share.length * 7.6, 14);
    const label = lane.label.length > labelChars ? `${lane.label.slice(0, labelChars - 1)}…` : lane.label;
    parts.push(text(MARGIN + 18, y + 14, label, { size: 14 }));
    parts.push(text(MARGIN + PLOT, y + 14, share, { size: 14, anchor: "end", fill: MUTED }));
    y += 20;
    parts.push(rect(MARGIN, y, PLOT, laneHeight, "#f1f3f5"));
    const values = bins.kinds[kind];
    let runStart = 0;
    let runLevel = 0;
    const flush = (end: number) => {
      if (runLevel > 0) {
        const x0 = column(runStart).x0;
        const x1 = column(end - 1).x1;
        parts.push(
          rect(x0, y, Math.max(1, x1 - x0), laneHeight, lane.colour, `fill-opacity="${runLevel / 10}"`),
        );
      }
    };
    for (let i = 0; i < columns; i++) {
      const share = Math.min(1, (values[i] ?? 0) / column(i).seconds);
      // Any time at all shows (3 in 10); the rest of the shade grows with the share.
      const level = share > 0 ? Math.min(10, Math.round(3 + 7 * Math.sqrt(share))) : 0;
      if (level !== runLevel) {
        flush(i);
        runStart = i;
        runLevel = level;
      }
    }
    flush(columns);
    y += laneHeight + 10;
  }

  // The axis, with gridlines through the interruptions and the lanes.
  const axis = ticks(wall);
  const axisY = y - 4;
  const grid: string[] = [];
  const tickLabels: string[] = [];
  // The end of the run is marked unless a tick is already there; a tick just before it loses its
  // label, which the end's label would cover.
  const last = Math.floor((wall * 1.0000001) / (axis.step * axis.unit)) * axis.step * axis.unit;
  const endMarked = (wall - last) / wall > 0.08;
  const crowded = endMarked && (wall - last) / wall < 0.15;
  for (let k = 0; k * axis.step * axis.unit <= wall * 1.0000001; k++) {
    const t = k * axis.step * axis.unit;
    const tx = x(t);
    grid.push(`M${n(tx)} ${n(gridTop + 24)}V${n(axisY + 5)}`);
    if (crowded && t === last && k > 0) continue;
    const label = String(Math.round(k * axis.step * 100) / 100);
    tickLabels.push(text(tx, axisY + 20, label, { size: 13, anchor: "middle", fill: MUTED }));
  }
  if (endMarked) {
    grid.push(`M${n(x(wall))} ${n(gridTop + 24)}V${n(axisY + 5)}`);
    tickLabels.push(text(x(wall), axisY + 20, wallClock(wall), { size: 13, anchor: "end", weight: "bold" }));
  }
  parts.unshift(`<path d="${grid.join("")}" stroke="#d9dee3" stroke-width="1" fill="none"/>`);
  parts.push(
    `<line x1="${MARGIN}" x2="${MARGIN + PLOT}" y1="${n(axisY)}" y2="${n(axisY)}" stroke="${INK}" stroke-width="0.5"/>`,
  );
  parts.push(...tickLabels);
  y = axisY + 40;
  parts.push(
    text(MARGIN + PLOT / 2, y - 2, `${axis.name} from the start of the run`, {
      size: 13,
      anchor: "middle",
      fill: MUTED,
    }),
  );
  const note =
    `Each column is ${formatSeconds(bins.seconds)} of the run; the darker a lane, the more of that time went to it. ` +
    "The lanes add up to the wall-clock time.";
  const noteLines = wrap(note, charsIn(PLOT, 13));
  noteLines.forEach((line, i) => {
    parts.push(text(MARGIN, y + 18 + i * 18, line, { size: 13, fill: MUTED }));
  });
  y += noteLines.length * 18 + 16;
  return frame(WIDTH, y, title, parts.join(""));
}
