import type { ScenarioPlan } from "../pipeline/plan.ts";
import type { SimulationResult } from "../reliability/simulate.ts";
import { formatNumber, formatPercent } from "../units.ts";
import { PUBLISHED_RUNS } from "./published-runs.ts";

// Where a result leaves the ground the model was checked on: it is still computed, but a reader should
// know that no published run stands behind it.

/** Below this goodput the restart model runs far from the failure rates it was checked against. */
const LOWEST_VALIDATED_GOODPUT = 0.5;
/** No published dense-BF16 run reaches this MFU; a plan above it is more likely wrong than record. */
const HIGHEST_PLAUSIBLE_MFU = 0.6;
/** A GPU count or context this many times the largest validated one is an extrapolation. */
const EXTRAPOLATION_FACTOR = 2;

const largest = (pick: (run: (typeof PUBLISHED_RUNS)[number]) => number) =>
  Math.max(...PUBLISHED_RUNS.map(pick));

/** The envelope of the published runs `validate` checks against. */
export const VALIDATED = {
  gpus: largest((r) => r.gpus),
  sequenceLength: largest((r) => r.sequenceLength),
  accelerators: [...new Set(PUBLISHED_RUNS.map((r) => r.accelerator))],
};

/** One line per way the plan (and its run) lies outside the validated envelope; none when inside. */
export function validityWarnings(result: ScenarioPlan, run?: SimulationResult): string[] {
  const { plan, scenario } = result;
  const warnings: string[] = [];
  if (plan.throughput.mfu > HIGHEST_PLAUSIBLE_MFU) {
    warnings.push(
      `MFU ${formatPercent(plan.throughput.mfu)} is above ${formatPercent(HIGHEST_PLAUSIBLE_MFU, 0)}, more than any published run reaches`,
    );
  }
  if (run && run.goodput.p50 < LOWEST_VALIDATED_GOODPUT) {
    warnings.push(
      `goodput ${formatPercent(run.goodput.p50)} is below ${formatPercent(LOWEST_VALIDATED_GOODPUT, 0)}: the failure and restart model was checked on runs that keep about 90% (Llama 3's 54 days); a run this interrupted would be split or rescheduled in practice`,
    );
  }
  if (scenario.gpus > EXTRAPOLATION_FACTOR * VALIDATED.gpus) {
    warnings.push(
      `${formatNumber(scenario.gpus)} GPUs is more than ${EXTRAPOLATION_FACTOR}x the largest validated run (${formatNumber(VALIDATED.gpus)}): the fabric and collectives at this scale are modelled, not measured`,
    );
  }
  if (scenario.sequenceLength > EXTRAPOLATION_FACTOR * VALIDATED.sequenceLength) {
    warnings.push(
      `context ${formatNumber(scenario.sequenceLength)} tokens is more than ${EXTRAPOLATION_FACTOR}x the longest validated run (${formatNumber(VALIDATED.sequenceLength)})`,
    );
  }
  if (!VALIDATED.accelerators.includes(scenario.accelerator)) {
    warnings.push(
      `no published run on ${scenario.accelerator} is in the validation set (${VALIDATED.accelerators.join(", ")}): its figures come from its datasheet and the calibration of its generation`,
    );
  }
  return warnings;
}
