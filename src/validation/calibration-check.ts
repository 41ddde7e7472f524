import { type Constants, fitConstants, type PreparedRun, stepError } from "../calibration/calibrate.ts";
import { TUNABLE_CONSTANTS } from "../catalog/stack-constants.ts";
import { evaluateAccuracy, publishedRunInput, stackOf } from "./accuracy.ts";
import { REFERENCE_STACKS } from "./cross-validation.ts";

// What `gigacluster calibrate` would do for a user with half of a stack's published runs: fit the
// stack's constants on one half, predict the other half, and compare with the catalog stack.

export interface HalfSplitCheck {
  readonly stack: string;
  readonly runs: number;
  /** Mean absolute step-time error on the held-out halves: the catalog's and the calibrated stack's. */
  readonly catalogMeanAbsoluteError: number;
  readonly calibratedMeanAbsoluteError: number;
}

/** Stacks with at least this many runs are split in two (fewer leave nothing to fit on). */
const MIN_RUNS = 6;

export function calibrationHalfSplit(): HalfSplitCheck[] {
  const byStack = new Map<string, PreparedRun[]>();
  for (const result of evaluateAccuracy().runs) {
    const stackName = stackOf(result.run).name;
    if (!REFERENCE_STACKS.includes(stackName)) continue;
    // One fit per stack and hardware generation: a calibration is of one cluster's hardware.
    const input = publishedRunInput(result.run);
    const stack = `${stackName} on ${input.cluster.accelerator.generation}`;
    const list = byStack.get(stack) ?? [];
    list.push({
      id: result.run.id,
      base: input,
      layout: result.plan.layout,
      stepSeconds: result.publishedStepSeconds,
      modelSaysOutOfMemory: false,
    });
    byStack.set(stack, list);
  }
  const checks: HalfSplitCheck[] = [];
  for (const [stack, runs] of byStack) {
    if (runs.length < MIN_RUNS) continue;
    const catalog: number[] = [];
    const calibrated: number[] = [];
    // Alternate runs to the halves so each spans the stack's sizes; each half predicts the other.
    for (const parity of [0, 1]) {
      const fitted = runs.filter((_, i) => i % 2 === parity);
      const held = runs.filter((_, i) => i % 2 !== parity);
      const first = fitted[0] as PreparedRun;
      const base: Constants = { stack: first.base.cluster.stack, hardware: first.base.cluster.hardware };
      const constants = fitConstants(fitted, base, TUNABLE_CONSTANTS).constants;
      for (const run of held) {
        const error = (c: Constants) => Math.abs(stepError(run, c) ?? 0);
        catalog.push(error(base));
        calibrated.push(error(constants));
      }
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    checks.push({
      stack,
      runs: runs.length,
      catalogMeanAbsoluteError: mean(catalog),
      calibratedMeanAbsoluteError: mean(calibrated),
    });
  }
  return checks;
}
