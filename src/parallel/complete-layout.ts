import { InfeasibleError } from "../errors.ts";
import type { Recompute } from "../model/transformer.ts";
import { type Layout, type LayoutViolation, layoutViolations } from "./layout.ts";
import { type PlanResult, planLayout } from "./plan.ts";
import type { PlanInput } from "./plan-input.ts";

export type PinnedLayout = Partial<Layout> & Pick<Layout, "tp" | "pp" | "cp" | "dp">;

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/**
 * Fills the layout fields a user (or a paper) left open with the fastest choice that fits in memory:
 * micro-batch, interleaving depth, recompute, sequence parallelism and ZeRO stage. When no choice
 * fits, the one with the smallest footprint is returned (its memory.fits is false).
 */
export function completeLayout(input: Omit<PlanInput, "layout">, pinned: PinnedLayout): PlanResult {
  const { model, training } = input;
  const perRank = training.globalBatchSequences / pinned.dp;
  // A batch dp does not divide still gets one candidate, so that the violation is reported.
  const microBatches =
    pinned.microBatch !== undefined
      ? [pinned.microBatch]
      : Number.isInteger(perRank)
        ? divisors(perRank).filter((b) => b <= 16)
        : [1];
  // Interleaving depth: equal chunks when the stages split the layers evenly (Megatron's rule);
  // otherwise any depth that leaves every chunk a layer (uneven stages, as Llama 3 ran).
  const evenStages = model.layers % pinned.pp === 0;
  const virtualOptions =
    pinned.virtualStages !== undefined
      ? [pinned.virtualStages]
      : pinned.pp === 1
        ? [1]
        : evenStages
          ? divisors(model.layers / pinned.pp)
          : Array.from({ length: Math.floor(model.layers / pinned.pp) }, (_, i) => i + 1);
  const recomputes: Recompute[] =
    pinned.recompute !== undefined ? [pinned.recompute] : ["none", "selective", "full"];
  const sequenceParallels =
    pinned.sequenceParallel !== undefined
      ? [pinned.sequenceParallel]
      : pinned.tp > 1
        ? [true, false]
        : [false];
  const zeros: Layout["zero"][] = pinned.zero !== undefined ? [pinned.zero] : [0, 1, 2, 3];

  let best: PlanResult | undefined;
  let smallest: PlanResult | undefined;
  let firstViolations: LayoutViolation[] = [];
  for (const microBatch of microBatches) {
    for (const virtualStages of virtualOptions) {
      for (const recompute of recomputes) {
        for (const sequenceParallel of sequenceParallels) {
          for (const zero of zeros) {
            const layout: Layout = {
              ep: 1,
              ...pinned,
              microBatch,
              virtualStages,
              recompute,
              sequenceParallel,
              zero,
            };
            const shape = {
              gpus: input.cluster.gpus,
              sequenceLength: training.sequenceLength,
              globalBatchSequences: training.globalBatchSequences,
            };
            const violations = layoutViolations(model, layout, shape);
            if (violations.length > 0) {
              if (firstViolations.length === 0) firstViolations = violations;
              continue;
            }
            const plan = planLayout({ ...input, layout });
            // When nothing fits, the completion that comes closest to fitting is the useful one to show.
            if (!smallest || plan.memory.perGpuBytes.total < smallest.memory.perGpuBytes.total)
              smallest = plan;
            if (plan.memory.fits && (!best || plan.step.seconds < best.step.seconds)) best = plan;
          }
        }
      }
    }
  }
  const chosen = best ?? smallest;
  if (!chosen) {
    throw new InfeasibleError(
      `the layout cannot run:\n${firstViolations.map((v) => `  - layout.${v.field}: ${v.message}`).join("\n")}`,
    );
  }
  return chosen;
}
