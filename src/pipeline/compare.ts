import type { SimulationResult } from "../reliability/simulate.ts";
import type { Scenario } from "../scenario/normalize.ts";
import { formatNumber, GiB } from "../units.ts";
import { type BuildoutReport, buildoutScenario } from "./buildout.ts";
import { planScenario, type ScenarioPlan } from "./plan.ts";
import { type ServeResult, serveScenario } from "./serve.ts";
import { replicaLayoutText } from "./serve-headline.ts";
import { simulateScenario } from "./simulate.ts";

/** The headline numbers of one scenario, for side-by-side comparison. */
export interface ScenarioSummary {
  readonly name: string;
  readonly accelerator: string;
  readonly gpus: number;
  readonly layout: string;
  readonly metrics: readonly ComparedMetric[];
}

export interface ComparedMetric {
  readonly key: string;
  readonly label: string;
  readonly value: number | undefined;
  /** Whether a larger value is better (tokens/s) or worse (days, cost). */
  readonly better: "higher" | "lower" | "neither";
}

/**
 * One side of a comparison: with a model, the plan and (with a token budget) its run; without one, the
 * build-out alone (a file that only names a site or a budget), its training rows left empty. A serve
 * section adds the serving rows; with no training section they are all it has besides the site's.
 */
export function summarizeScenario(scenario: Scenario): ScenarioSummary {
  const served = scenario.serve ? serveScenario(scenario) : undefined;
  if (served && !scenario.training) return summarizeServing(scenario, served);
  const summary = trainingSummary(scenario);
  return served ? withServing(summary, served) : summary;
}

function trainingSummary(scenario: Scenario): ScenarioSummary {
  if (!scenario.model) return summarizeBuildout(scenario.name, buildoutScenario(scenario.facility));
  const result = planScenario(scenario, undefined, { bestOnly: true });
  return summarize(
    result,
    result.plan.training
      ? simulateScenario(scenario, result, undefined, { recoverySummary: false })
      : undefined,
  );
}

const metric = (
  key: string,
  label: string,
  value: number | undefined,
  better: ComparedMetric["better"],
): ComparedMetric => ({ key, label, value, better });

/** The rows every summary has, in order; the training rows are empty for a build-out alone. */
function metricsOf(
  gpus: number,
  result: ScenarioPlan | undefined,
  run: SimulationResult | undefined,
  built: BuildoutReport | undefined,
): ComparedMetric[] {
  const plan = result?.plan;
  const b = built?.result;
  return [
    metric("gpus", "GPUs", gpus, "neither"),
    metric("stepSeconds", "step time (s)", plan?.step.seconds, "lower"),
    metric(
      "tokensPerSecond",
      "tokens/s (M)",
      plan ? plan.throughput.tokensPerSecond / 1e6 : undefined,
      "higher",
    ),
    metric("mfu", "MFU (%)", plan ? plan.throughput.mfu * 100 : undefined, "higher"),
    metric(
      "memoryGiB",
      "memory per GPU (GiB)",
      plan ? plan.memory.perGpuBytes.total / GiB : undefined,
      "lower",
    ),
    metric("days", "days, uninterrupted", plan?.training?.days, "lower"),
    metric("daysP50", "days with failures (P50)", run?.days.p50, "lower"),
    metric("goodput", "goodput P50 (%)", run ? run.goodput.p50 * 100 : undefined, "higher"),
    metric("gpuHours", "GPU-hours (M)", plan?.training ? plan.training.gpuHours / 1e6 : undefined, "lower"),
    metric("runUsd", "run cost P50 ($M)", run ? run.costUsd.p50 / 1e6 : undefined, "lower"),
    metric("energy", "energy P50 (MWh)", run?.energyMegawattHours.p50, "lower"),
    metric("capex", "capex ($B)", b ? b.cost.capexUsd / 1e9 : undefined, "lower"),
    metric("usdPerGpuHour", "$ per GPU-hour", b?.cost.usdPerGpuHour, "lower"),
    metric("facilityMegawatts", "facility power (MW)", b?.power.facilityMegawatts, "lower"),
  ];
}

export function summarize(result: ScenarioPlan, run: SimulationResult | undefined): ScenarioSummary {
  const l = result.plan.layout;
  return {
    name: result.scenario.name,
    accelerator: result.scenario.accelerator,
    gpus: result.scenario.gpus,
    layout: `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp}${l.ep > 1 ? ` ep${l.ep}` : ""} mb${l.microBatch} v${l.virtualStages} ${l.recompute} z${l.zero}`,
    metrics: metricsOf(
      result.scenario.gpus,
      result,
      run,
      result.buildout.stated ? result.buildout : undefined,
    ),
  };
}

function summarizeBuildout(name: string, built: BuildoutReport): ScenarioSummary {
  const gpus = built.result.gpus;
  return {
    name,
    accelerator: built.result.accelerator,
    gpus,
    layout: "build-out only: no model to train",
    metrics: metricsOf(gpus, undefined, undefined, built),
  };
}

/** The serving rows, after the training and build-out ones (a summary without serve has none). */
function servingMetrics(served: ServeResult): ComparedMetric[] {
  const { fleet, cost, energy } = served;
  const { latency } = fleet;
  const at = `P${Number((latency.percentile * 100).toPrecision(6))} at the peak`;
  return [
    metric("servingGpus", "serving GPUs", fleet.gpus, "lower"),
    metric("servingMegawatts", "serving power (MW)", fleet.megawatts, "lower"),
    metric("usdPerMillionTokens", "$ per million tokens", cost.usdPerMillionTokens, "lower"),
    metric("ttftSeconds", `time to first token (s, ${at})`, latency.timeToFirstTokenSeconds, "lower"),
    metric(
      "tpotSeconds",
      `time per output token (ms, ${at})`,
      latency.timePerOutputTokenSeconds * 1e3,
      "lower",
    ),
    metric("whPerRequest", "Wh per request", energy.whPerRequest, "lower"),
    metric("servingUsdPerYear", "serving cost ($M/year)", cost.usdPerYear / 1e6, "lower"),
  ];
}

const servingLayout = (served: ServeResult) =>
  `serving ${replicaLayoutText(served.replica.layout)} x ${formatNumber(served.fleet.replicas)} replicas`;

function withServing(summary: ScenarioSummary, served: ServeResult): ScenarioSummary {
  return {
    ...summary,
    layout: `${summary.layout}; ${servingLayout(served)}`,
    metrics: [...summary.metrics, ...servingMetrics(served)],
  };
}

/** A serve section alone: the fleet's GPUs (a stated site's when there is one), no training rows. */
function summarizeServing(scenario: Scenario, served: ServeResult): ScenarioSummary {
  const built = scenario.facility.stated ? buildoutScenario(scenario.facility) : undefined;
  const gpus = built?.result.gpus ?? served.fleet.gpus;
  return {
    name: scenario.name,
    accelerator: served.accelerator,
    gpus,
    layout: servingLayout(served),
    metrics: [...metricsOf(gpus, undefined, undefined, built), ...servingMetrics(served)],
  };
}
