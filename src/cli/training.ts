import { InfeasibleError, InputError } from "../errors.ts";
import { planScenario, type ScenarioPlan } from "../pipeline/plan.ts";
import { simulateScenario, traceScenarioTrial } from "../pipeline/simulate.ts";
import { uncertaintyOf } from "../pipeline/uncertainty.ts";
import type { SimulationResult } from "../reliability/simulate.ts";
import { drawText } from "../report/document.ts";
import { infeasiblePlanJson, planJson, searchJson, simulationJson, toJson } from "../report/json.ts";
import { planReport, searchReport } from "../report/plan-report.ts";
import { simulationReport } from "../report/simulate-report.ts";
import { uncertaintyReport } from "../report/uncertainty-report.ts";
import { type Scenario, scenarioAtMedians } from "../scenario/normalize.ts";
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

// The commands that plan one scenario's training: plan, simulate and search.

export async function runPlan(file: string, options: OutputOptions, io: Io): Promise<number> {
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
      io.out(toJson(infeasiblePlanJson(scenario.name, error.closest as object, error.message)));
    }
    throw error;
  }
  // With a token budget, the run over time (failures and restarts) joins the report.
  const run = result.plan.training
    ? simulateScenario(scenario, result, progressBar(options.json))
    : undefined;
  if (options.svg) await writeSvg(options.svg, (c, document) => c.planChartSvg(result.plan, document));
  const uncertainty = uncertaintyOf(raw);
  if (options.json) io.out(toJson(planJson(result, run, uncertainty, options)));
  else {
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
  const run = await simulateWith(workers, scenario, result, progressBar(options.json));
  if (options.svg) await writeSvg(options.svg, (c, document) => c.runChartSvg(run, document));
  if (options.timelineSvg) {
    // Trial 0 of the same Monte Carlo, traced: one of the trials the report summarizes. Plain SVG:
    // no plotting library to load.
    const timeline = traceScenarioTrial(scenario, result);
    const { runTimelineSvg } = await import("../report/run-timeline.ts");
    writeUserFile("--timeline-svg", options.timelineSvg, runTimelineSvg(timeline, { title: scenario.name }));
  }
  const sections = [{ title: scenario.name }, ...simulationReport(run).sections];
  io.out(options.json ? toJson(simulationJson(run, options)) : drawText({ sections }, styleOf(options)));
  return 0;
}

/** The Monte Carlo on `workers` threads (absent: every core for a long run); the same bytes for any count. */
async function simulateWith(
  workers: number | undefined,
  scenario: Scenario,
  plan: ScenarioPlan,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<SimulationResult> {
  // --workers 1 never loads worker_threads.
  if (workers === 1) return simulateScenario(scenario, plan, onProgress);
  return (await import("./parallel-trials.ts")).simulateOnWorkers(
    scenario,
    plan,
    workers ?? "auto",
    onProgress,
  );
}

/** --workers: a whole number of threads, 1 or more; absent, every core (at most 8) for a long run. */
function workersOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const workers = Number(value);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new InputError("--workers", value, "a whole number of threads from 1 to 256");
  }
  return workers;
}

export function runSearch(file: string, options: OutputOptions, io: Io): number {
  const scenario = scenarioAtMedians(readScenario(file));
  requireModel(scenario, file, "search layouts for");
  const result = planScenario(scenario);
  io.out(
    options.json ? toJson(searchJson(result, options)) : drawText(searchReport(result), styleOf(options)),
  );
  return 0;
}
