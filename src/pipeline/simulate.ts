import { nowMilliseconds } from "../clock.ts";
import { InputError } from "../errors.ts";
import { stateBytesPerParameter } from "../model/precision.ts";
import type { MonteCarloResult, RunModel } from "../reliability/monte-carlo.ts";
import { recoverySummary } from "../reliability/recovery-analysis.ts";
import {
  expectedInterruptionsPerTrial,
  type RunInput,
  type SimulationResult,
  simulateRun,
  simulationModel,
  traceRun,
  trialChunks,
} from "../reliability/simulate.ts";
import type { TrialTimeline } from "../reliability/trace.ts";
import type { Scenario } from "../scenario/normalize.ts";
import { type Progress, THREADED_INTERRUPTIONS, type Threads, threadsFor } from "../tasks.ts";
import { gbpsToBytesPerSecond } from "../units.ts";
import type { ScenarioPlan } from "./plan.ts";

/** The same scenario with a different number of Monte Carlo trials (quick looks, many samples). */
export function withTrials(scenario: Scenario, trials: number): Scenario {
  return { ...scenario, run: { ...scenario.run, simulation: { ...scenario.run.simulation, trials } } };
}

/** What the simulation needs from a scenario and its plan: the best layout's run on its build-out. */
function runInputOf(scenario: Scenario, plan: ScenarioPlan): RunInput {
  const { training, model } = scenario;
  if (!training || !model)
    throw new InputError("model", undefined, "a model and a training section to simulate");
  const best = plan.plan;
  const state = stateBytesPerParameter(training.recipe, training.precision);
  const accelerator = scenario.cluster.accelerator;
  return {
    gpus: best.layout.tp * best.layout.pp * best.layout.cp * best.layout.dp,
    gpusPerNode: scenario.facility.platform.gpusPerHost,
    gpusPerRack: scenario.facility.platform.gpusPerServer,
    dataParallel: best.layout.dp,
    stepSeconds: best.step.seconds,
    ...(best.training ? { steps: best.training.steps } : {}),
    // Weights and optimizer state (with fp32 master copies) make the checkpoint; gradients do not.
    checkpointBytes: best.model.parameters * (state.weights + state.optimizer),
    peerBytesPerSecondPerGpu:
      gbpsToBytesPerSecond(accelerator.scaleOutGbps) * scenario.cluster.hardware.scaleOutBusFraction,
    buildout: plan.buildout.result,
  };
}

/**
 * The training run over time, failures and all, for the plan's best layout. With reliability.recovery
 * set, the result also says what each recovery feature adds and where the time goes (recovery-analysis).
 */
export function simulateScenario(
  scenario: Scenario,
  plan: ScenarioPlan,
  onProgress?: (done: number, total: number) => void,
  options: {
    readonly recoverySummary?: boolean;
    /** The Monte Carlo's chunks run elsewhere (see `scenarioRunModel`), in `trialChunks` order. */
    readonly chunks?: readonly MonteCarloResult[];
  } = {},
): SimulationResult {
  const run = runInputOf(scenario, plan);
  const { reliability, checkpoint, simulation } = scenario.run;
  const result = simulateRun(run, reliability, checkpoint, simulation, onProgress, options.chunks);
  // The summary runs the ladder (a few hundred trials a step): analyses over many runs may skip it.
  if (!reliability.recovery || options.recoverySummary === false) return result;
  const started = nowMilliseconds();
  const recovery = recoverySummary(run, reliability, checkpoint, simulation);
  const { seconds, ...rest } = result;
  return {
    ...rest,
    ...(recovery ? { recovery } : {}),
    seconds: seconds + (nowMilliseconds() - started) / 1000,
  };
}

/**
 * `simulateScenario` with its Monte Carlo's chunks on `threads`: the threads asked for, or every core
 * for a long run. Trials are seeded by their indices and merged in chunk order: the same bytes for any
 * thread count.
 */
export async function simulateOnThreads(
  threads: Threads,
  scenario: Scenario,
  plan: ScenarioPlan,
  onProgress?: Progress,
): Promise<SimulationResult> {
  const { trials, seed } = scenario.run.simulation;
  const chunks = trialChunks(trials);
  // Not even a long run would start threads (one asked for, or one chunk): no run model to build twice.
  if (threadsFor(threads.asked, chunks.length, true, threads.cores) <= 1) {
    return simulateScenario(scenario, plan, onProgress);
  }
  const started = nowMilliseconds();
  // Checks the work limits before any thread starts, with the same message as in process.
  const model = scenarioRunModel(scenario, plan);
  const long = expectedInterruptionsPerTrial(model) * trials >= THREADED_INTERRUPTIONS;
  const count = threadsFor(threads.asked, chunks.length, long, threads.cores);
  if (count <= 1) return simulateScenario(scenario, plan, onProgress);
  const ranges = chunks.map(({ from, to }) => ({ model, seed, from, to }));
  const computed = await threads.map("trials", ranges, count, onProgress, (r) => r.to - r.from);
  const run = simulateScenario(scenario, plan, undefined, { chunks: computed });
  // The timing covers the threads too, not only the merge.
  return { ...run, seconds: (nowMilliseconds() - started) / 1000 };
}

/** The run model `simulateScenario` draws trials from (checked against the work limits), for workers. */
export function scenarioRunModel(scenario: Scenario, plan: ScenarioPlan): RunModel {
  const { reliability, checkpoint, simulation } = scenario.run;
  return simulationModel(runInputOf(scenario, plan), reliability, checkpoint, simulation);
}

/**
 * One trial of `simulateScenario`'s Monte Carlo as a timeline (trial 0 unless asked: one of the trials
 * it summarizes, with exactly that trial's outcome).
 */
export function traceScenarioTrial(scenario: Scenario, plan: ScenarioPlan, trial = 0): TrialTimeline {
  return traceRun(
    runInputOf(scenario, plan),
    scenario.run.reliability,
    scenario.run.checkpoint,
    scenario.run.simulation,
    trial,
  );
}
