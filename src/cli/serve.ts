import { InputError } from "../errors.ts";
import { serveScenario } from "../pipeline/serve.ts";
import { drawText } from "../report/document.ts";
import { toJson } from "../report/json.ts";
import { serveJson, serveReport } from "../report/serve-report.ts";
import { scenarioAtMedians } from "../scenario/normalize.ts";
import { type Io, type OutputOptions, styleOf } from "./common.ts";
import { readScenario } from "./files.ts";

export function runServe(file: string, options: OutputOptions, io: Io): number {
  const scenario = scenarioAtMedians(readScenario(file));
  if (!scenario.serve) {
    throw new InputError("serve", undefined, `a serve section in ${file} (demand, slo, precision)`);
  }
  const result = serveScenario(scenario);
  io.out(options.json ? toJson(serveJson(result)) : drawText(serveReport(result), styleOf(options)));
  return 0;
}
