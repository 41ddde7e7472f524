import { InfeasibleError } from "../errors.ts";
import { planScenario } from "../pipeline/plan.ts";
import { simulateOnThreads, simulateScenario, traceScenarioTrial } from "../pipeline/simulate.ts";
import { uncertaintyOnThreads } from "../pipeline/uncertainty.ts";
import { scenarioAtMedians } from "../scenario/normalize.ts";
import {
  type Io,
  type OutputOptions,
  progressBar,
  requireModel,
  styleOf,
  writeSvg,
  writeUserFile,
} from "./common.ts";
import { readScenario } from "./files.ts";
import { cliThreads, workersOption } from "./workers.ts";

// The commands that plan one scenario's training: plan, simulate and search. Each loads the reports of
// the format it prints when it prints them: --json never loads the text reports, nor text the JSON's.

const jsonReports = () => import("../report/json.ts");
const textReports = () =>
  Promise.all([
    import("../report/document.ts"),
    import("../report/plan-report.ts"),
    import("../report/simulate-report.ts"),
    import("../report/uncertainty-report.ts"),
  ]).then(([document, plan, simulate, uncertainty]) => ({
    ...document,
    ...plan,
    ...simulate,
    ...uncertainty,
  }));

export async function runPlan(
  file: string,
  options: OutputOptions & { workers?: string },
  io: Io,
): Promise<number> {
  const workers = workersOption(options.workers);
  // Parsed once: planned at the medians of any ranges, and sampled over them below.
  const raw = readScenario(file);
  const scenario = scenarioAtMedians(raw);
  requireModel(scenario, file, "plan");
  let result: ReturnType<typeof planScenario>;
  try {
    result = planScenario(scenario);
  } catch (error) {
    // A layout that does not fit still shows its whole plan in JSON, so a user can see why.
    if (options.json && error instanceof InfeasibleError && error.closest) {
      const { infeasiblePlanJson, toJson } = await jsonReports();
      io.out(toJson(infeasiblePlanJson(scenario.name, error.closest as object, error.message)));
    }
    throw error;
  }
  // With a token budget, the run over time (failures and restarts) joins the report.
  const run = result.plan.training
    ? simulateScenario(scenario, result, progressBar(options.json))
    : undefined;
  if (options.svg) await writeSvg(options.svg, (c, document) => c.planChartSvg(result.plan, document));
  const uncertainty = await uncertaintyOnThreads(
    cliThreads(workers),
    raw,
    progressBar(options.json, "sampling"),
  );
  if (options.json) {
    const { planJson, toJson } = await jsonReports();
    io.out(toJson(planJson(result, run, uncertainty, options)));
  } else {
    const { drawText, planReport, uncertaintyReport } = await textReports();
    const sections = [
      ...planReport(result, run).sections,
      ...(uncertainty ? uncertaintyReport(uncertainty).sections : []),
    ];
    io.out(drawText({ sections }, styleOf(options)));
  }
  return 0;
}

export async function runSimulate(
  file: string,
  options: OutputOptions & { timelineSvg?: string; workers?: string },
  io: Io,
): Promise<number> {
  const workers = workersOption(options.workers);
  const scenario = scenarioAtMedians(readScenario(file));
  requireModel(scenario, file, "simulate a training run of");
  const result = planScenario(scenario);
  // The Monte Carlo on the threads asked for, or every core for a long run: the same bytes for any count.
  const run = await simulateOnThreads(cliThreads(workers), scenario, result, progressBar(options.json));
  if (options.svg) await writeSvg(options.svg, (c, document) => c.runChartSvg(run, document));
  if (options.timelineSvg) {
    // Trial 0 of the same Monte Carlo, traced: one of the trials the report summarizes. Plain SVG:
    // no plotting library to load.
    const timeline = traceScenarioTrial(scenario, result);
    const { runTimelineSvg } = await import("../report/run-timeline.ts");
    writeUserFile("--timeline-svg", options.timelineSvg, runTimelineSvg(timeline, { title: scenario.name }));
  }
  if (options.json) {
    const { simulationJson, toJson } = await jsonReports();
    io.out(toJson(simulationJson(run, options)));
  } else {
    const { drawText, simulationReport } = await textReports();
    io.out(
      drawText({ sections: [{ title: scenario.name }, ...simulationReport(run).sections] }, styleOf(options)),
    );
  }
  return 0;
}

export async function runSearch(file: string, options: OutputOptions, io: Io): Promise<number> {
  const scenario = scenarioAtMedians(readScenario(file));
  requireModel(scenario, file, "search layouts for");
  const result = planScenario(scenario);
  if (options.json) {
    const { searchJson, toJson } = await jsonReports();
    io.out(toJson(searchJson(result, options)));
  } else {
    const { drawText, searchReport } = await textReports();
    io.out(drawText(searchReport(result), styleOf(options)));
  }
  return 0;
}
