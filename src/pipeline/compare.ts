import type { SimulationResult } from "../reliability/simulate.ts";
import type { Scenario } from "../scenario/normalize.ts";
import { GiB } from "../units.ts";
import { planScenario, type ScenarioPlan } from "./plan.ts";
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

/** Plans a scenario and, with a token budget, simulates its run: its side of a comparison. */
export function summarizeScenario(scenario: Scenario): ScenarioSummary {
  const result = planScenario(scenario);
  return summarize(result, result.plan.training ? simulateScenario(scenario, result) : undefined);
}

export function summarize(result: ScenarioPlan, run: SimulationResult | undefined): ScenarioSummary {
  const { plan, buildout } = result;
  const l = plan.layout;
  const b = buildout.stated ? buildout.result : undefined;
  const metric = (
    key: string,
    label: string,
    value: number | undefined,
    better: ComparedMetric["better"],
  ) => ({
    key,
    label,
    value,
    better,
  });
  return {
    name: result.scenario.name,
    accelerator: result.scenario.accelerator,
    gpus: result.scenario.gpus,
    layout: `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp}${l.ep > 1 ? ` ep${l.ep}` : ""} mb${l.microBatch} v${l.virtualStages} ${l.recompute} z${l.zero}`,
    metrics: [
      metric("gpus", "GPUs", result.scenario.gpus, "neither"),
      metric("stepSeconds", "step time (s)", plan.step.seconds, "lower"),
      metric("tokensPerSecond", "tokens/s (M)", plan.throughput.tokensPerSecond / 1e6, "higher"),
      metric("mfu", "MFU (%)", plan.throughput.mfu * 100, "higher"),
      metric("memoryGiB", "memory per GPU (GiB)", plan.memory.perGpuBytes.total / GiB, "lower"),
      metric("days", "days, uninterrupted", plan.training?.days, "lower"),
      metric("daysP50", "days with failures (P50)", run?.days.p50, "lower"),
      metric("goodput", "goodput P50 (%)", run ? run.goodput.p50 * 100 : undefined, "higher"),
      metric("gpuHours", "GPU-hours (M)", plan.training ? plan.training.gpuHours / 1e6 : undefined, "lower"),
      metric("energy", "energy P50 (MWh)", run?.energyMegawattHours.p50, "lower"),
      metric("capex", "capex ($B)", b ? b.cost.capexUsd / 1e9 : undefined, "lower"),
      metric("usdPerGpuHour", "$ per GPU-hour", b?.cost.usdPerGpuHour, "lower"),
      metric("facilityMegawatts", "facility power (MW)", b?.power.facilityMegawatts, "lower"),
    ],
  };
}
