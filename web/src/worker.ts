// Plans and simulates off the page's thread, so typing never waits for a search or a Monte Carlo.
import { InfeasibleError, InputError } from "../../src/errors.ts";
import { summarize } from "../../src/scenario/compare.ts";
import { normalizeScenario } from "../../src/scenario/normalize.ts";
import { planScenario } from "../../src/scenario/plan-scenario.ts";
import { simulateScenario, withTrials } from "../../src/scenario/simulate-scenario.ts";
import { sweepScenario } from "../../src/scenario/sweep.ts";

export interface PlanRequest {
  readonly id: number;
  readonly scenario: unknown;
  /** A sweep of one field over these values instead of a single plan. */
  readonly sweep?: { readonly path: string; readonly values: readonly number[] };
  /** A second scenario to compare the first with. */
  readonly compareWith?: unknown;
}

self.onmessage = (event: MessageEvent<PlanRequest>) => {
  const { id, scenario, sweep, compareWith } = event.data;
  try {
    if (sweep) {
      const variations = [{ path: sweep.path, values: sweep.values }];
      self.postMessage({ id, ok: true, sweep: { variations, rows: sweepScenario(scenario, variations) } });
      return;
    }
    if (compareWith !== undefined) {
      const [a, b] = [compareWith, scenario].map((value) => {
        const normalized = normalizeScenario(value);
        const result = planScenario(normalized);
        return summarize(
          result,
          result.plan.training ? simulateScenario(withTrials(normalized, 200), result) : undefined,
        );
      });
      self.postMessage({ id, ok: true, compare: { a, b } });
      return;
    }
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
