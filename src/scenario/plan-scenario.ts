import { InputError } from "../errors.ts";
import { completeLayout } from "../parallel/complete-layout.ts";
import type { PlanResult } from "../parallel/plan.ts";
import type { Scenario } from "./normalize.ts";

export interface ScenarioPlan {
  readonly scenario: {
    readonly name: string;
    readonly accelerator: string;
    readonly gpus: number;
    readonly stack: string;
  };
  readonly plan: PlanResult;
  /** Layout fields the planner chose because the scenario left them open. */
  readonly chosenFields: readonly string[];
}

const OPEN_FIELDS = ["microBatch", "virtualStages", "recompute", "zero", "sequenceParallel"] as const;

export function planScenario(scenario: Scenario): ScenarioPlan {
  if (!scenario.layout) {
    throw new InputError("layout", undefined, "a layout section with at least tp and pp");
  }
  const { model, training, cluster, layout } = scenario;
  const plan = completeLayout({ model, training, cluster }, layout);
  return {
    scenario: {
      name: scenario.name,
      accelerator: cluster.accelerator.name,
      gpus: cluster.gpus,
      stack: cluster.stack.name,
    },
    plan,
    chosenFields: OPEN_FIELDS.filter((field) => layout[field] === undefined),
  };
}
