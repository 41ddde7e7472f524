import * as Plot from "@observablehq/plot";
import { TIGHT_MEMORY_FRACTION } from "../parallel/memory.ts";
import type { PlanResult } from "../parallel/plan.ts";
import type { ServeCurves, ServeResult } from "../pipeline/serve.ts";
import type { SweepRow, Variation } from "../pipeline/sweep.ts";
import type { Histogram, SimulationResult } from "../reliability/simulate.ts";
import { formatNumber, GiB } from "../units.ts";
import { MEMORY_TERMS, RESULT_TERMS, SERVING_TERMS, STEP_TERMS, termKeys } from "./glossary.ts";

// SVG charts drawn by Observable Plot. The document is passed in (linkedom in Node, the page's own in
// a browser), so the same code renders in both.

export type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

/** The little of a DOM element used here (the core compiles without the DOM library). */
interface Rendered {
  readonly tagName: string;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelector(selector: string): Rendered | null;
}

const WIDTH = 640;
/** Line colours of the series in one chart: the first as the other charts, the second in contrast. */
const SERIES_COLOURS = ["#4c78a8", "#e45756", "#54a24b"];
const HEIGHT = 360;

function svgOf(figure: Rendered): Rendered {
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector("svg");
  if (!svg) throw new Error("Plot returned no SVG");
  return svg;
}

interface Panel {
  readonly title: string;
  readonly svg: Rendered;
  /** Plot's height for this panel (HEIGHT unless given). */
  readonly height?: number;
}

/** Several charts stacked in one SVG file, each under a title; it scales to the width it is given. */
function stack(charts: readonly Panel[]): string {
  let y = 0;
  const parts = charts.map((chart) => {
    const height = chart.height ?? HEIGHT;
    chart.svg.setAttribute("x", "0");
    chart.svg.setAttribute("y", String(y + 26));
    chart.svg.setAttribute("width", String(WIDTH));
    chart.svg.setAttribute("height", String(height));
    const title = chart.title.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
    const part =
      `<text x="10" y="${y + 18}" font-family="system-ui, sans-serif" font-size="14" font-weight="bold">${title}</text>` +
      chart.svg.outerHTML;
    y += height + 30;
    return part;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>\n`;
}

function bars(document: PlotDocument, data: { term: string; value: number }[], label: string): Rendered {
  return svgOf(
    Plot.plot({
      document,
      width: WIDTH,
      height: HEIGHT,
      marginLeft: 240,
      x: { label, grid: true },
      y: { label: null },
      marks: [
        Plot.barX(data, { x: "value", y: "term", sort: { y: "-x" }, fill: "#4c78a8" }),
        Plot.ruleX([0]),
      ],
    }) as unknown as Rendered,
  );
}

/** Step time and memory per GPU of a plan, by term. */
export function planChartSvg(plan: PlanResult, document: PlotDocument): string {
  const stepTotal = plan.step.breakdown.total;
  const memoryTotal = plan.memory.perGpuBytes.total;
  const stepData = termKeys(STEP_TERMS)
    .filter((term) => term !== "total" && plan.step.breakdown[term] > 0)
    .map((term) => ({ term: STEP_TERMS[term].label, value: plan.step.breakdown[term] }));
  const memoryData = termKeys(MEMORY_TERMS)
    .filter((term) => term !== "total" && plan.memory.perGpuBytes[term] > 0)
    .map((term) => ({ term: MEMORY_TERMS[term].label, value: plan.memory.perGpuBytes[term] / GiB }));
  const capacity = plan.memory.capacityBytes / GiB;
  return stack([
    {
      title: `Step time by term (${stepTotal.toFixed(2)} s)`,
      svg: bars(document, stepData, "seconds per step"),
    },
    {
      title: `Memory per GPU by term (${(memoryTotal / GiB).toFixed(1)} of ${capacity.toFixed(0)} GiB, ${plan.memory.verdict})`,
      svg: bars(document, memoryData, "GiB"),
    },
    {
      title: "Memory per GPU against the HBM capacity",
      svg: memoryAgainstCapacity(document, memoryData, capacity),
      height: CAPACITY_HEIGHT,
    },
  ]);
}

const CAPACITY_HEIGHT = 150;

/** The memory terms stacked in one bar, with the capacity and the "tight" line a real job crashes past. */
function memoryAgainstCapacity(
  document: PlotDocument,
  data: { term: string; value: number }[],
  capacity: number,
): Rendered {
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const lines = [
    { x: capacity, label: `capacity ${capacity.toFixed(0)} GiB` },
    { x: capacity * TIGHT_MEMORY_FRACTION, label: `tight above ${Math.round(TIGHT_MEMORY_FRACTION * 100)}%` },
  ];
  return svgOf(
    Plot.plot({
      document,
      width: WIDTH,
      height: CAPACITY_HEIGHT,
      marginLeft: 20,
      marginRight: 20,
      x: { label: "GiB per GPU", grid: true, domain: [0, Math.max(capacity, total) * 1.05] },
      y: { axis: null },
      color: { legend: false, scheme: "tableau10" },
      marks: [
        Plot.barX(data, { x: "value", y: () => "memory", fill: "term", title: "term" }),
        Plot.ruleX(lines, { x: "x", stroke: "#c62828", strokeWidth: 2 }),
        Plot.text(lines, {
          x: "x",
          text: "label",
          frameAnchor: "top",
          dy: -2,
          textAnchor: "end",
          dx: -4,
          fill: "#c62828",
        }),
      ],
    }) as unknown as Rendered,
  );
}

/** Time to train and cost (or a serving fleet and its $ per token) against the first varied field of a sweep. */
export function sweepChartSvg(
  rows: readonly SweepRow[],
  variations: readonly Variation[],
  document: PlotDocument,
): string {
  const first = variations[0];
  if (!first) throw new Error("a sweep varies at least one field");
  const numeric = first.values.every((v) => typeof v === "number");
  const points = rows.filter((r) => r.error === undefined).map((r) => ({ x: r.values[first.path], ...r }));
  const values = first.values.filter((v): v is number => typeof v === "number");
  const logX =
    numeric && values.length > 1 && Math.min(...values) > 0 && Math.max(...values) / Math.min(...values) >= 8;
  /** One line per series (e.g. uninterrupted and with failures), named in a legend. */
  const lines = (
    series: readonly { y: keyof SweepRow; name: string }[],
    label: string,
    scale = 1,
  ): Rendered => {
    const data = series.flatMap(({ y, name }) =>
      points
        .filter((p) => typeof p[y] === "number")
        .map((p) => ({ x: p.x, value: (p[y] as number) / scale, series: name })),
    );
    return svgOf(
      Plot.plot({
        document,
        width: WIDTH,
        height: HEIGHT,
        marginLeft: 60,
        x: numeric ? { type: logX ? "log" : "linear", label: first.path, grid: true } : { label: first.path },
        y: { label, grid: true, zero: true },
        color: { legend: series.length > 1, domain: series.map((s) => s.name), range: SERIES_COLOURS },
        marks: [
          Plot.line(data, { x: "x", y: "value", stroke: "series" }),
          Plot.dot(data, { x: "x", y: "value", fill: "series" }),
        ],
      }) as unknown as Rendered,
    );
  };
  const charts: Panel[] = [];
  const serving = points.some((p) => p.servingGpus !== undefined);
  if (points.some((p) => p.days !== undefined)) {
    charts.push({
      title: "Time to train: uninterrupted and with failures (P50)",
      svg: lines(
        [
          { y: "days", name: RESULT_TERMS.daysUninterrupted.label },
          { y: "daysWithFailures", name: RESULT_TERMS.daysWithFailures.label },
        ],
        "days",
      ),
    });
    charts.push({
      title: `${RESULT_TERMS.goodput.label} (P50 of the Monte Carlo)`,
      svg: lines([{ y: "goodput", name: RESULT_TERMS.goodput.label }], "goodput (%)", 0.01),
    });
  } else if (!serving || points.some((p) => p.tokensPerSecond !== undefined)) {
    // Training throughput, which a serve-only sweep has none of.
    charts.push({
      title: RESULT_TERMS.tokensPerSecond.label,
      svg: lines(
        [{ y: "tokensPerSecond", name: RESULT_TERMS.tokensPerSecond.label }],
        "million tokens/s",
        1e6,
      ),
    });
  }
  if (points.some((p) => p.trainingUsd !== undefined))
    charts.push({
      title: "Cost of the run: uninterrupted compute and with failures (P50)",
      svg: lines(
        [
          { y: "trainingUsd", name: RESULT_TERMS.trainingUsd.label },
          { y: "runUsd", name: RESULT_TERMS.runUsd.label },
        ],
        "$ million",
        1e6,
      ),
    });
  if (points.some((p) => p.capexUsd !== undefined))
    charts.push({
      title: RESULT_TERMS.capex.label,
      svg: lines([{ y: "capexUsd", name: RESULT_TERMS.capex.label }], "capex, $ billion", 1e9),
    });
  // A serve section: the fleet the demand needs and what a token costs.
  if (serving)
    charts.push(
      {
        title: "Serving fleet: GPUs for the peak within the targets",
        svg: lines([{ y: "servingGpus", name: SERVING_TERMS.servingGpus.label }], "GPUs"),
      },
      {
        title: SERVING_TERMS.usdPerMillionTokens.label,
        svg: lines([{ y: "usdPerMillionTokens", name: SERVING_TERMS.usdPerMillionTokens.label }], "$"),
      },
    );
  return stack(charts);
}

function histogramChart(
  document: PlotDocument,
  bins: Histogram,
  spread: { readonly p10: number; readonly p50: number; readonly p90: number },
  label: string,
  scale: number,
): Rendered {
  const data = bins.map((bin) => ({ from: bin.from * scale, to: bin.to * scale, count: bin.count }));
  // Each percentile labelled at its own height, so close ones stay readable.
  const percentiles = (["p10", "p50", "p90"] as const).map((key, i) => ({
    x: spread[key] * scale,
    label: key.toUpperCase(),
    dy: 4 + i * 14,
  }));
  return svgOf(
    Plot.plot({
      document,
      width: WIDTH,
      height: HEIGHT,
      marginLeft: 60,
      x: { label, grid: true },
      y: { label: "trials", grid: true },
      marks: [
        Plot.rectY(data, { x1: "from", x2: "to", y: "count", fill: "#4c78a8", inset: 0.5 }),
        Plot.ruleX(percentiles, { x: "x", stroke: "#e45756", strokeDasharray: "4 3" }),
        ...percentiles.map((p) =>
          Plot.text([p], {
            x: "x",
            text: "label",
            frameAnchor: "top",
            dy: p.dy,
            dx: 3,
            textAnchor: "start",
            fill: "#b71c1c",
          }),
        ),
        Plot.ruleY([0]),
      ],
    }) as unknown as Rendered,
  );
}

/** How the simulated goodput and time to train spread over the trials, P10/P50/P90 marked. */
export function runChartSvg(result: SimulationResult, document: PlotDocument): string {
  const { goodput, days } = result;
  const charts = [
    {
      title: `Goodput over ${result.trials} trials: ${(goodput.p50 * 100).toFixed(1)}% at P50`,
      svg: histogramChart(document, result.goodputHistogram, goodput, "goodput (%)", 100),
    },
  ];
  // A fixed window lasts the same in every trial: nothing to draw.
  if (result.windowDays === undefined) {
    charts.push({
      title: `Time to train over ${result.trials} trials: ${days.p50.toFixed(1)} days at P50`,
      svg: histogramChart(document, result.daysHistogram, days, "days", 1),
    });
  }
  return stack(charts);
}

const layoutName = (l: { tp: number; pp: number; ep: number; batch: number }) =>
  `tp${l.tp} pp${l.pp}${l.ep > 1 ? ` ep${l.ep}` : ""} batch ${l.batch}`;

/** Room above the frontier chart for its colour key and the chosen replica's label. */
const FRONTIER_MARGIN_TOP = 44;

/** A point ringed in red with a bold, haloed label above it: the chart's pick. */
function ringed<T>(
  data: readonly T[],
  x: string,
  y: string,
  text: (d: T) => string,
  label: { readonly dx?: number; readonly textAnchor?: "start" | "middle" | "end" } = {},
) {
  return [
    Plot.dot(data, { x, y, r: 7, stroke: "#e45756", strokeWidth: 2.5 }),
    Plot.text(data, {
      x,
      y,
      text,
      dy: -14,
      ...label,
      fill: "#b71c1c",
      fontWeight: "bold",
      stroke: "white",
      strokeWidth: 3,
      paintOrder: "stroke",
    }),
  ];
}

/**
 * The latency-throughput frontier of serving: every replica layout that fits, output tokens per second
 * per GPU against tokens per second per user, those that meet the targets in colour, the frontier
 * joined, the target's speed a dashed line and the chosen replica ringed.
 */
export function serveFrontierChartSvg(curves: ServeCurves, document: PlotDocument): string {
  const points = curves.frontier
    .filter((p) => p.outputTokensPerSecondPerGpu > 0 && p.tokensPerSecondPerUser > 0)
    .map((p) => ({
      ...p,
      status: p.meetsSlo ? "meets the targets" : "misses a target",
      name: layoutName(p.layout),
    }));
  const line = points
    .filter((p) => p.onFrontier)
    .sort((a, b) => a.tokensPerSecondPerUser - b.tokensPerSecondPerUser);
  const chosen = points.filter((p) => p.chosen);
  const target = [{ x: curves.targetTokensPerSecondPerUser, label: "target speed" }];
  const svg = svgOf(
    Plot.plot({
      document,
      width: WIDTH,
      height: HEIGHT,
      marginLeft: 60,
      marginRight: 20,
      marginTop: FRONTIER_MARGIN_TOP,
      inset: 8,
      x: { type: "log", label: "output tokens/s per user (1 / time per output token)", grid: true },
      y: { type: "log", label: "output tokens/s per GPU", grid: true },
      // No Plot legend: it would come back as a figure of its own; the title says the colours.
      color: {
        domain: ["meets the targets", "misses a target"],
        range: [SERIES_COLOURS[0] as string, "#b8c2cc"],
      },
      marks: [
        Plot.ruleX(target, { x: "x", stroke: "#e45756", strokeDasharray: "4 3" }),
        Plot.text(target, {
          x: "x",
          text: "label",
          frameAnchor: "bottom",
          rotate: -90,
          dx: -5,
          dy: -4,
          textAnchor: "start",
          fill: "#b71c1c",
        }),
        Plot.text(["blue: meets the targets; grey: misses one; line: the frontier"], {
          frameAnchor: "top-right",
          textAnchor: "end",
          dy: -FRONTIER_MARGIN_TOP + 12,
          fill: "#52606d",
        }),
        Plot.dot(points, {
          x: "tokensPerSecondPerUser",
          y: "outputTokensPerSecondPerGpu",
          fill: "status",
          r: 2.5,
          title: "name",
        }),
        Plot.line(line, {
          x: "tokensPerSecondPerUser",
          y: "outputTokensPerSecondPerGpu",
          stroke: SERIES_COLOURS[0],
          strokeWidth: 1.5,
        }),
        ...ringed(
          chosen,
          "tokensPerSecondPerUser",
          "outputTokensPerSecondPerGpu",
          (p: { name: string }) => `chosen: ${p.name}`,
        ),
      ],
    }) as unknown as Rendered,
  );
  const best = chosen[0];
  return stack([
    {
      title: best
        ? `Latency against throughput: ${points.length} layouts, ${best.name} chosen`
        : `Latency against throughput: ${points.length} layouts`,
      svg,
    },
  ]);
}

/** The fleet's GPUs against the demand, from a tenth to ten times the scenario's users, its own marked. */
export function serveDemandChartSvg(
  curves: ServeCurves,
  result: ServeResult,
  document: PlotDocument,
): string {
  const data = curves.demand.map((d) => ({ ...d, name: layoutName(d.replica) }));
  const own = data.filter((d) => d.factor === 1);
  const svg = svgOf(
    Plot.plot({
      document,
      width: WIDTH,
      height: HEIGHT,
      marginLeft: 60,
      marginRight: 20,
      inset: 8,
      x: { type: "log", label: "daily active users", grid: true },
      y: { type: "log", label: "fleet GPUs (at the peak)", grid: true },
      marks: [
        Plot.line(data, { x: "users", y: "gpus", stroke: SERIES_COLOURS[0] }),
        Plot.dot(data, { x: "users", y: "gpus", fill: SERIES_COLOURS[0], title: "name" }),
        ...ringed(
          own,
          "users",
          "gpus",
          (d: { gpus: number }) => `this scenario: ${formatNumber(d.gpus)} GPUs`,
          {
            dx: -10,
            textAnchor: "end",
          },
        ),
      ],
    }) as unknown as Rendered,
  );
  return stack([
    {
      title: `Fleet GPUs against demand: ${formatNumber(result.fleet.gpus)} GPUs for ${formatNumber(curves.users)} users`,
      svg,
    },
  ]);
}

/** Colours of the accelerators in the growth chart, with the names its title gives them. */
const GROWTH_COLOURS = [
  { name: "blue", hex: "#4c78a8" },
  { name: "red", hex: "#e45756" },
  { name: "green", hex: "#54a24b" },
  { name: "orange", hex: "#f58518" },
  { name: "purple", hex: "#b279a2" },
  { name: "grey", hex: "#9d9da0" },
];

/**
 * A fleet over time (the growth command): GPUs online by accelerator and facility megawatts at each
 * quarter's end, and each placed run as a bar from its start to its finish.
 */
export function growthChartSvg(
  report: import("../pipeline/growth.ts").GrowthReport,
  document: PlotDocument,
): string {
  const quarters = report.quarters.map((q) => q.quarter);
  const gpus = report.quarters.flatMap((q) =>
    Object.entries(q.gpusByAccelerator).map(([accelerator, count]) => ({
      quarter: q.quarter,
      accelerator,
      count,
    })),
  );
  const power = report.quarters.map((q) => ({ quarter: q.quarter, megawatts: q.facilityMegawatts }));
  const frame = { document, width: WIDTH, height: HEIGHT, marginLeft: 70, marginRight: 20, marginBottom: 50 };
  // No Plot legend (it would come back as a figure of its own): the title names the colours.
  const accelerators = [...new Set(report.phases.map((p) => p.accelerator))];
  const colours = accelerators.map((_, i) => GROWTH_COLOURS[i % GROWTH_COLOURS.length] ?? GROWTH_COLOURS[0]);
  const key = accelerators.map((a, i) => `${colours[i]?.name} ${a}`).join(", ");
  const xBand = { domain: quarters, label: null, tickRotate: -45 };
  const panels: Panel[] = [
    {
      title: `GPUs online: ${formatNumber(report.quarters.at(-1)?.gpus ?? 0)} by ${report.quarters.at(-1)?.quarter ?? ""} (${key})`,
      svg: svgOf(
        Plot.plot({
          ...frame,
          x: xBand,
          y: { label: "GPUs online", grid: true },
          color: { domain: accelerators, range: colours.map((c) => c?.hex ?? "#4c78a8") },
          marks: [Plot.barY(gpus, { x: "quarter", y: "count", fill: "accelerator" }), Plot.ruleY([0])],
        }) as unknown as Rendered,
      ),
    },
    {
      title: "Facility power by quarter (MW, at peak draw)",
      svg: svgOf(
        Plot.plot({
          ...frame,
          height: HEIGHT * 0.7,
          x: { ...xBand, type: "point" },
          y: { label: "MW", grid: true },
          marks: [
            Plot.line(power, { x: "quarter", y: "megawatts", stroke: SERIES_COLOURS[1] }),
            Plot.dot(power, { x: "quarter", y: "megawatts", fill: SERIES_COLOURS[1] }),
            Plot.ruleY([0]),
          ],
        }) as unknown as Rendered,
      ),
      height: HEIGHT * 0.7,
    },
  ];
  const runs = report.runs.flatMap((r) =>
    r.placed
      ? [
          {
            name: r.name,
            start: new Date(`${r.start}-01T00:00:00Z`),
            finish: new Date(`${r.finish}T00:00:00Z`),
          },
        ]
      : [],
  );
  if (runs.length > 0) {
    const [year, month] = report.until.split("-").map(Number);
    const untilEnd = new Date(Date.UTC(year ?? 0, month ?? 1, 1));
    const height = 60 + 36 * runs.length;
    panels.push({
      title: `Runs from start to finish (table until ${report.until})`,
      svg: svgOf(
        Plot.plot({
          ...frame,
          height,
          marginLeft: 160,
          // The whole table's span, so the bars sit where the quarters above them do.
          x: {
            type: "utc",
            label: null,
            grid: true,
            domain: [
              new Date(
                `${report.quarters[0]?.quarter.slice(0, 4)}-${String(((report.quarters[0]?.month ?? 0) % 12) + 1).padStart(2, "0")}-01T00:00:00Z`,
              ),
              untilEnd,
            ],
          },
          y: { label: null, domain: runs.map((r) => r.name) },
          marks: [Plot.barX(runs, { x1: "start", x2: "finish", y: "name", fill: SERIES_COLOURS[0] })],
        }) as unknown as Rendered,
      ),
      height,
    });
  }
  return stack(panels);
}
