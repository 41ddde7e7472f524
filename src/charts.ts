// The chart entry point (`gigacluster/charts`): SVG charts drawn by Observable Plot. Apart from the
// main entry so that what does not draw does not load the plotting library.
export { type PlotDocument, planChartSvg, runChartSvg, sweepChartSvg } from "./report/charts.ts";
