// The chart entry point (`gigacluster/charts`): SVG charts drawn by Observable Plot. Apart from the
// main entry so that what does not draw does not load the plotting library.
export {
  growthChartSvg,
  type PlotDocument,
  planChartSvg,
  runChartSvg,
  serveDemandChartSvg,
  serveFrontierChartSvg,
  sweepChartSvg,
} from "./report/charts.ts";
// Pictures of the cluster, drawn as plain SVG strings (no plotting library, no document needed).
export { buildoutPictureSvg, MAX_RACK_SQUARES, racksPerSquare } from "./report/cluster-picture.ts";
export { type RunTimelineOptions, runTimelineSvg, TIMELINE_LANES } from "./report/run-timeline.ts";
