import { InputError } from "../errors.ts";
import { type Layout, SEARCHED_LAYOUT_FIELDS } from "../parallel/layout.ts";
import type { PlanResult } from "../parallel/plan.ts";
import type { ClusterSetup } from "../parallel/plan-input.ts";
import { type RankedLayout, searchLayouts } from "../parallel/search.ts";
import type { Scenario } from "../scenario/normalize.ts";
import type { ErrorBand } from "../validation/cross-validation.ts";
import { ERROR_BANDS } from "../validation/error-bands.ts";
import { type BuildoutReport, buildoutScenario } from "./buildout.ts";

export interface ScenarioPlan {
  readonly scenario: {
    readonly name: string;
    readonly accelerator: string;
    readonly gpus: number;
    readonly stack: string;
  };
  /** The best layout's plan. */
  readonly plan: PlanResult;
  /** How far the step time is to be trusted: the validated error of runs on the same stack. */
  readonly accuracy: ErrorBand;
  /** Layout fields the search chose because the scenario left them open. */
  readonly chosenFields: readonly (keyof Layout)[];
  /** The build-out the cluster came from: the scenario's site or budget, else the generic site's. */
  readonly buildout: BuildoutReport;
  readonly search: {
    readonly evaluated: number;
    readonly feasible: number;
    readonly seconds: number;
    readonly top: readonly RankedLayout[];
  };
}

export function planScenario(scenario: Scenario, onProgress?: (fraction: number) => void): ScenarioPlan {
  const { model, training, search } = scenario;
  if (!model) throw new InputError("model", undefined, "a catalog model name or a model section");
  if (!training || !search)
    throw new InputError("training", undefined, "a training section (sequenceLength and a batch)");
  const built = buildoutScenario(scenario.facility);
  const gpus = built.result.gpus;
  const cluster: ClusterSetup = { ...scenario.cluster, gpus, fabric: built.result.network };
  const result = searchLayouts({ model, training, cluster }, search, onProgress);
  const best = result.top[0];
  if (!best) throw new Error("a successful search returns at least one layout");
  return {
    scenario: {
      name: scenario.name,
      accelerator: cluster.accelerator.name,
      gpus,
      stack: cluster.stack.name,
    },
    plan: best.plan,
    accuracy: errorBandFor(cluster.stack.name),
    // A dense model has nothing to choose for expert parallelism.
    chosenFields: SEARCHED_LAYOUT_FIELDS.filter(
      (field) => search.pinned[field] === undefined && (field !== "ep" || model.moe !== undefined),
    ),
    search: result,
    buildout: built,
  };
}

export function errorBandFor(stack: string): ErrorBand {
  const band = ERROR_BANDS.find((b) => b.stack === stack);
  if (!band) throw new Error(`no error band for stack ${stack} (run scripts/write-error-bands.ts)`);
  return band;
}
