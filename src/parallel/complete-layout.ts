import type { Recompute } from "../model/transformer.ts";
import { type Layout, layoutViolations } from "./layout.ts";
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
 * micro-batch, interleaving depth, recompute, sequence parallelism and ZeRO stage.
 */
export function completeLayout(input: Omit<PlanInput, "layout">, pinned: PinnedLayout): PlanResult {
  const { model, training } = input;
  const perRank = training.globalBatchSequences / pinned.dp;
  const microBatches = pinned.microBatch !== undefined ? [pinned.microBatch] : divisors(perRank).filter((b) => b <= 16);
  // Interleaving depth: any v that gives every chunk at least one layer (uneven chunks are allowed).
  const maxVirtual = pinned.pp === 1 ? 1 : Math.floor(model.layers / pinned.pp);
  const virtualOptions =
    pinned.virtualStages !== undefined
      ? [pinned.virtualStages]
      : Array.from({ length: maxVirtual }, (_, i) => i + 1);
  const recomputes: Recompute[] = pinned.recompute !== undefined ? [pinned.recompute] : ["none", "selective", "full"];
  const sequenceParallels = pinned.sequenceParallel !== undefined ? [pinned.sequenceParallel] : pinned.tp > 1 ? [true, false] : [false];
  const zeros: Layout["zero"][] = pinned.zero !== undefined ? [pinned.zero] : [0, 1, 2, 3];

  let best: PlanResult | undefined;
  let bestOverall: PlanResult | undefined;
  for (const microBatch of microBatches) {
    for (const virtualStages of virtualOptions) {
      for (const recompute of recomputes) {
        for (const sequenceParallel of sequenceParallels) {
          for (const zero of zeros) {
            const layout: Layout = { ep: 1, ...pinned, microBatch, virtualStages, recompute, sequenceParallel, zero };
            const shape = {
              gpus: input.cluster.gpus,
              sequenceLength: training.sequenceLength,
              globalBatchSequences: training.globalBatchSequences,
            };
            if (layoutViolations(model, layout, shape).length > 0) continue;
            const plan = planLayout({ ...input, layout });
            if (!bestOverall || plan.step.seconds < bestOverall.step.seconds) bestOverall = plan;
            if (plan.memory.fits && (!best || plan.step.seconds < best.step.seconds)) best = plan;
          }
        }
      }
    }
  }
  const chosen = best ?? bestOverall;
  if (!chosen) throw new Error("no legal completion of the pinned layout");
  return chosen;
}
