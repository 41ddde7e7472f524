import { growthScenario } from "../pipeline/growth.ts";
import { drawText } from "../report/document.ts";
import { growthJson, growthReport } from "../report/growth-report.ts";
import { toJson } from "../report/json.ts";
import { scenarioAtMedians } from "../scenario/normalize.ts";
import { resolveGrowth, withGrowthSize } from "../scenario/resolve-growth.ts";
import { type Io, type OutputOptions, styleOf, writeUserFile } from "./common.ts";
import { readScenario } from "./files.ts";

export async function runGrowth(file: string, options: OutputOptions, io: Io): Promise<number> {
  const raw = withGrowthSize(readScenario(file));
  const scenario = scenarioAtMedians(raw);
  const report = growthScenario(scenario, resolveGrowth(raw, scenario));
  if (options.svg) {
    // The plotting library and the document load only when a chart is asked for.
    const [{ parseHTML }, { growthChartSvg }] = await Promise.all([
      import("linkedom"),
      import("../report/charts.ts"),
    ]);
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    writeUserFile("--svg", options.svg, growthChartSvg(report, document as never));
  }
  io.out(options.json ? toJson(growthJson(report)) : drawText(growthReport(report), styleOf(options)));
  return 0;
}
