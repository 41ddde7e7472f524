import { InfeasibleError } from "../errors.ts";
import { type BuildoutInput, type BuildoutResult, buildout } from "./buildout.ts";

// The inverse build-out: the largest cluster within a budget, a power envelope, or both.

export interface Budget {
  readonly usd?: number;
  /** Facility power (grid draw at peak, IT x PUE). */
  readonly megawatts?: number;
}

export interface InverseResult {
  readonly result: BuildoutResult;
  /** Which limit stopped the growth. */
  readonly limitedBy: "budget" | "power";
}

function within(result: BuildoutResult, budget: Budget): boolean {
  if (budget.usd !== undefined && result.cost.capexUsd > budget.usd) return false;
  if (budget.megawatts !== undefined && result.power.facilityMegawatts > budget.megawatts) return false;
  return true;
}

/** Largest whole number of servers whose build-out stays within every limit given (binary search). */
export function largestWithin(base: Omit<BuildoutInput, "gpus">, budget: Budget): InverseResult {
  const perServer = base.platform.gpusPerServer;
  const build = (servers: number) => buildout({ ...base, gpus: servers * perServer });
  if (!within(build(1), budget)) {
    const one = build(1);
    throw new InfeasibleError(
      `the budget does not buy one ${base.platform.displayName}: it costs $${(one.cost.capexUsd / 1e6).toFixed(2)}M ` +
        `and draws ${one.power.facilityMegawatts.toFixed(3)} MW with its share of network, storage and building`,
    );
  }
  let low = 1;
  let high = 2;
  while (within(build(high), budget)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (within(build(middle), budget)) low = middle;
    else high = middle;
  }
  const result = build(low);
  const next = build(low + 1);
  const overBudget = budget.usd !== undefined && next.cost.capexUsd > budget.usd;
  return { result, limitedBy: overBudget ? "budget" : "power" };
}
