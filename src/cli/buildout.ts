import { buildoutScenario } from "../pipeline/buildout.ts";
import { buildoutReport } from "../report/buildout-report.ts";
import { drawText } from "../report/document.ts";
import { buildoutJson, toJson } from "../report/json.ts";
import { scenarioAtMedians } from "../scenario/normalize.ts";
import { type Io, type OutputOptions, styleOf, writeUserFile } from "./common.ts";
import { readScenario } from "./files.ts";

export async function runBuildout(file: string, options: OutputOptions, io: Io): Promise<number> {
  const scenario = scenarioAtMedians(readScenario(file));
  const report = buildoutScenario(scenario.facility);
  if (options.svg) {
    // A picture drawn as a plain SVG string: no plotting library to load.
    const { buildoutPictureSvg } = await import("../report/cluster-picture.ts");
    writeUserFile("--svg", options.svg, buildoutPictureSvg(report));
  }
  io.out(options.json ? toJson(buildoutJson(report)) : drawText(buildoutReport(report), styleOf(options)));
  return 0;
}
