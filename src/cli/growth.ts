import { growthScenario } from "../pipeline/growth.ts";
import { drawText } from "../report/document.ts";
import { growthJson, growthReport } from "../report/growth-report.ts";
import { toJson } from "../report/json.ts";
import { scenarioAtMedians } from "../scenario/normalize.ts";
import { resolveGrowth, withGrowthSize } from "../scenario/resolve-growth.ts";
import { type Io, type OutputOptions, styleOf, writeSvg } from "./common.ts";
import { readScenario } from "./files.ts";

export async function runGrowth(file: string, options: OutputOptions, io: Io): Promise<number> {
  const raw = withGrowthSize(readScenario(file));
  const scenario = scenarioAtMedians(raw);
  const report = growthScenario(scenario, resolveGrowth(raw, scenario));
  if (options.svg) await writeSvg(options.svg, (c, document) => c.growthChartSvg(report, document));
  io.out(options.json ? toJson(growthJson(report)) : drawText(growthReport(report), styleOf(options)));
  return 0;
}
