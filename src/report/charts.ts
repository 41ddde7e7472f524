import * as Plot from "@observablehq/plot";
import type { PlanResult } from "../parallel/plan.ts";
import type { SweepRow, Variation } from "../pipeline/sweep.ts";
import type { Histogram, SimulationResult } from "../reliability/simulate.ts";
import { GiB } from "../units.ts";
import { MEMORY_TERMS, STEP_TERMS, termKeys } from "./glossary.ts";

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
const HEIGHT = 360;

function svgOf(figure: Rendered): Rendered {
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector("svg");
  if (!svg) throw new Error("Plot returned no SVG");
  return svg;
}

/** Several charts stacked in one SVG file, each under a title. */
function stack(charts: { title: string; svg: Rendered }[]): string {
  const band = HEIGHT + 30;
  const parts = charts.map((chart, i) => {
    chart.svg.setAttribute("x", "0");
    chart.svg.setAttribute("y", String(i * band + 26));
    chart.svg.setAttribute("width", String(WIDTH));
    chart.svg.setAttribute("height", String(HEIGHT));
    const title = chart.title.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
    return (
      `<text x="10" y="${i * band + 18}" font-family="system-ui, sans-serif" font-size="14" font-weight="bold">${title}</text>` +
      chart.svg.outerHTML
    );
  });
  const height = charts.length * band;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>\n`;
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
  return stack([
    {
      title: `Step time by term (${stepTotal.toFixed(2)} s)`,
      svg: bars(document, stepData, "seconds per step"),
    },
    {
      title: `Memory per GPU by term (${(memoryTotal / GiB).toFixed(1)} GiB)`,
      svg: bars(document, memoryData, "GiB"),
    },
  ]);
}

/** Time to train and cost against the first varied field of a sweep. */
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
  const line = (y: keyof SweepRow, label: string, scale = 1): Rendered =>
    svgOf(
      Plot.plot({
        document,
        width: WIDTH,
        height: HEIGHT,
        marginLeft: 60,
        x: numeric ? { type: logX ? "log" : "linear", label: first.path, grid: true } : { label: first.path },
        y: { label, grid: true },
        marks: [
          Plot.line(
            points.filter((p) => typeof p[y] === "number"),
            { x: "x", y: (p: SweepRow) => (p[y] as number) / scale, stroke: "#4c78a8" },
          ),
          Plot.dot(
            points.filter((p) => typeof p[y] === "number"),
            { x: "x", y: (p: SweepRow) => (p[y] as number) / scale, fill: "#4c78a8" },
          ),
        ],
      }) as unknown as Rendered,
    );
  const charts = [];
  if (points.some((p) => p.days !== undefined))
    charts.push({ title: "Time to train (uninterrupted)", svg: line("days", "days") });
  else charts.push({ title: "Throughput", svg: line("tokensPerSecond", "million tokens/s", 1e6) });
  if (points.some((p) => p.trainingUsd !== undefined))
    charts.push({ title: "Training cost (uninterrupted)", svg: line("trainingUsd", "$ million", 1e6) });
  if (points.some((p) => p.capexUsd !== undefined))
    charts.push({ title: "Build-out cost", svg: line("capexUsd", "capex, $ billion", 1e9) });
  return stack(charts);
}

function histogramChart(
  document: PlotDocument,
  bins: Histogram,
  marks: readonly number[],
  label: string,
  scale: number,
): Rendered {
  const data = bins.map((bin) => ({ from: bin.from * scale, to: bin.to * scale, count: bin.count }));
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
        Plot.ruleX(
          marks.map((m) => m * scale),
          { stroke: "#e45756", strokeDasharray: "4 3" },
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
      title: `Goodput over ${result.trials} trials (P10/P50/P90 dashed)`,
      svg: histogramChart(
        document,
        result.goodputHistogram,
        [goodput.p10, goodput.p50, goodput.p90],
        "goodput (%)",
        100,
      ),
    },
  ];
  // A fixed window lasts the same in every trial: nothing to draw.
  if (result.windowDays === undefined) {
    charts.push({
      title: `Time to train over ${result.trials} trials: ${days.p50.toFixed(1)} days at P50`,
      svg: histogramChart(document, result.daysHistogram, [days.p10, days.p50, days.p90], "days", 1),
    });
  }
  return stack(charts);
}
