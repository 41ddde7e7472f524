import { InputError } from "../errors.ts";
import { type ScenarioSummary, summarizeScenario } from "../pipeline/compare.ts";
import { parseVariation, sweepOnThreads } from "../pipeline/sweep.ts";
import { compareReport } from "../report/compare-report.ts";
import { drawText } from "../report/document.ts";
import { toJson } from "../report/json.ts";
import { sweepCsv } from "../report/sweep-csv.ts";
import { sweepReport } from "../report/sweep-report.ts";
import { scenarioAtMedians } from "../scenario/normalize.ts";
import { type Io, type OutputOptions, progressBar, styleOf, writeSvg } from "./common.ts";
import { readScenario } from "./files.ts";
import { cliThreads, workersOption } from "./workers.ts";

// The analyses over several scenarios: sweep and compare. The sweep's points run on worker threads
// (--workers), with the same bytes out.

export async function runSweep(
  file: string,
  options: OutputOptions & { vary: string[]; csv?: boolean; workers?: string },
  io: Io,
): Promise<number> {
  const workers = workersOption(options.workers);
  if (options.vary.length === 0)
    throw new InputError("--vary", undefined, "at least one path=values, e.g. cluster.gpus=1024..200000");
  const raw = readScenario(file);
  const variations = options.vary.map(parseVariation);
  const rows = await sweepOnThreads(
    cliThreads(workers),
    raw,
    variations,
    progressBar(options.json || options.csv, "sweeping"),
  );
  if (options.svg) await writeSvg(options.svg, (c, document) => c.sweepChartSvg(rows, variations, document));
  if (options.json) io.out(toJson({ variations, rows }));
  else if (options.csv) io.out(sweepCsv(rows, variations));
  else io.out(drawText(sweepReport(rows, variations), styleOf(options)));
  return rows.every((row) => row.error !== undefined) ? 2 : 0;
}

export function runCompare(first: string, second: string, options: OutputOptions, io: Io): number {
  const summaries = [first, second].map((file) => summarizeScenario(scenarioAtMedians(readScenario(file))));
  const [a, b] = summaries as [ScenarioSummary, ScenarioSummary];
  io.out(options.json ? toJson({ a, b }) : drawText(compareReport(a, b), styleOf(options)));
  return 0;
}
