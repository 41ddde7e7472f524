import { buildoutScenario } from "../pipeline/buildout.ts";
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
  // The report of the format printed loads alone: --json leaves the text tables' modules alone.
  if (options.json) {
    const { buildoutJson, toJson } = await import("../report/json.ts");
    io.out(toJson(buildoutJson(report)));
  } else {
    const [{ buildoutReport }, { drawText }] = await Promise.all([
      import("../report/buildout-report.ts"),
      import("../report/document.ts"),
    ]);
    io.out(drawText(buildoutReport(report), styleOf(options)));
  }
  return 0;
}
