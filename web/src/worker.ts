// Plans and simulates off the page's thread, so typing never waits for a search or a Monte Carlo.
import { InfeasibleError, InputError } from "../../src/errors.ts";
import { normalizeScenario } from "../../src/scenario/normalize.ts";
import { planScenario } from "../../src/scenario/plan-scenario.ts";
import { simulateScenario } from "../../src/scenario/simulate-scenario.ts";

export interface PlanRequest {
  readonly id: number;
  readonly scenario: unknown;
}

self.onmessage = (event: MessageEvent<PlanRequest>) => {
  const { id, scenario } = event.data;
  try {
    const normalized = normalizeScenario(scenario);
    const result = planScenario(normalized);
    // Progress for long Monte Carlos; the page cancels by terminating this worker.
    const run = result.plan.training
      ? simulateScenario(normalized, result, (done, total) =>
          self.postMessage({ id, progress: done / total }),
        )
      : undefined;
    self.postMessage({ id, ok: true, result, run });
  } catch (error) {
    if (error instanceof InputError) {
      self.postMessage({ id, ok: false, error: { path: error.path, message: error.message } });
    } else if (error instanceof InfeasibleError) {
      self.postMessage({ id, ok: false, error: { path: "", message: error.message } });
    } else {
      self.postMessage({ id, ok: false, error: { path: "", message: `internal error: ${String(error)}` } });
    }
  }
};
