import { lookup } from "../catalog/lookup.ts";
import { NETWORK_GEAR } from "../catalog/network-gear.ts";
import { defaultPlatformFor } from "../catalog/platforms.ts";
import { SITES } from "../catalog/sites.ts";
import { InputError } from "../errors.ts";
import { type BuildoutResult, buildout } from "../facility/buildout.ts";
import { stateBytesPerParameter } from "../model/precision.ts";
import { type SimulationResult, simulateRun } from "../reliability/simulate.ts";
import { gbpsToBytesPerSecond } from "../units.ts";
import type { Scenario } from "./normalize.ts";
import type { ScenarioPlan } from "./plan-scenario.ts";

/** The cluster's build-out: the scenario's own, else the generic site's for the same GPUs. */
export function buildoutFor(scenario: Scenario, plan: ScenarioPlan): BuildoutResult {
  if (plan.buildout) return plan.buildout.result;
  const accelerator = scenario.cluster.accelerator;
  const platform = defaultPlatformFor(accelerator.name);
  if (!platform)
    throw new InputError("site.platform", undefined, `a server platform for ${accelerator.name}`);
  const generic = lookup(SITES, "generic-2025", "site", "site");
  const gear = lookup(NETWORK_GEAR, generic.network, "site.network", "network family");
  // A rack-scale system (GB200 NVL72) brings its own liquid-cooled rack, past the generic air-cooled limit.
  const site = { ...generic, rackKilowatts: Math.max(generic.rackKilowatts, platform.serverMaxWatts / 1000) };
  return buildout({ accelerator, platform, gear, site, gpus: plan.scenario.gpus });
}

/** The same scenario with a different number of Monte Carlo trials (quick looks, many samples). */
export function withTrials(scenario: Scenario, trials: number): Scenario {
  return { ...scenario, run: { ...scenario.run, simulation: { ...scenario.run.simulation, trials } } };
}

/** The training run over time, failures and all, for the plan's best layout. */
export function simulateScenario(
  scenario: Scenario,
  plan: ScenarioPlan,
  onProgress?: (done: number, total: number) => void,
): SimulationResult {
  const { training, model } = scenario;
  if (!training || !model)
    throw new InputError("model", undefined, "a model and a training section to simulate");
  const best = plan.plan;
  const state = stateBytesPerParameter(training.recipe, training.precision);
  const built = buildoutFor(scenario, plan);
  const platform = plan.buildout ? undefined : defaultPlatformFor(scenario.cluster.accelerator.name);
  const accelerator = scenario.cluster.accelerator;
  return simulateRun(
    {
      gpus: best.layout.tp * best.layout.pp * best.layout.cp * best.layout.dp,
      gpusPerNode: platform?.gpusPerServer ?? Math.min(8, accelerator.scaleUpDomainGpus),
      dataParallel: best.layout.dp,
      stepSeconds: best.step.seconds,
      ...(best.training ? { steps: best.training.steps } : {}),
      // Weights and optimizer state (with fp32 master copies) make the checkpoint; gradients do not.
      checkpointBytes: best.model.parameters * (state.weights + state.optimizer),
      peerBytesPerSecondPerGpu:
        gbpsToBytesPerSecond(accelerator.scaleOutGbps) * scenario.cluster.hardware.scaleOutBusFraction,
      buildout: built,
    },
    scenario.run.reliability,
    scenario.run.checkpoint,
    scenario.run.simulation,
    onProgress,
  );
}
