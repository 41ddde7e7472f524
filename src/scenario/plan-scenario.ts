import type { Layout } from "../parallel/layout.ts";
import type { PlanResult } from "../parallel/plan.ts";
import { type RankedLayout, searchLayouts } from "../parallel/search.ts";
import type { Scenario } from "./normalize.ts";

export interface ScenarioPlan {
  readonly scenario: {
    readonly name: string;
    readonly accelerator: string;
    readonly gpus: number;
    readonly stack: string;
  };
  /** The best layout's plan. */
  readonly plan: PlanResult;
  /** Layout fields the search chose because the scenario left them open. */
  readonly chosenFields: readonly (keyof Layout)[];
  readonly search: {
    readonly evaluated: number;
    readonly feasible: number;
    readonly seconds: number;
    readonly top: readonly RankedLayout[];
  };
}

const LAYOUT_FIELDS: readonly (keyof Layout)[] = [
  "tp",
  "pp",
  "cp",
  "dp",
  "ep",
  "microBatch",
  "virtualStages",
  "recompute",
  "zero",
  "sequenceParallel",
];

export function planScenario(scenario: Scenario): ScenarioPlan {
  const { model, training, cluster, search } = scenario;
  const result = searchLayouts({ model, training, cluster }, search);
  const best = result.top[0];
  if (!best) throw new Error("a successful search returns at least one layout");
  return {
    scenario: {
      name: scenario.name,
      accelerator: cluster.accelerator.name,
      gpus: cluster.gpus,
      stack: cluster.stack.name,
    },
    plan: best.plan,
    chosenFields: LAYOUT_FIELDS.filter((field) => search.pinned[field] === undefined),
    search: result,
  };
}
