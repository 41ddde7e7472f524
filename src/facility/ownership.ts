import type { Source } from "../catalog/source.ts";
import { HOURS_PER_YEAR } from "../units.ts";
import type { BuildoutResult } from "./buildout.ts";

// What owning a build-out costs a year, with what the build-out's own $/GPU-hour leaves out: the
// interest on the capex (an annuity instead of straight-line depreciation) and the people who run it.

/** Yearly interest on the money the build-out is paid with (default). */
export const DEFAULT_FINANCING_RATE_PER_YEAR = 0.076;
export const FINANCING_RATE_SOURCE: Source = {
  ref: "ICE BofA US High Yield Index yield to maturity 7.6% on 2025-06-16 (as reported by moneyoval.com, 2025); xAI's own June 2025 secured notes paid 12.5% (Bloomberg via Livemint, 2025-07-16)",
  kind: "measured",
  note: "secondary; a sub-investment-grade builder's cost of debt (an investment-grade one borrows for less)",
};

/** Loaded cost of the site's staff per MW of facility power a year (default). */
export const DEFAULT_STAFF_USD_PER_MEGAWATT_YEAR = 75_000;
export const STAFF_SOURCE: Source = {
  ref: "estimate: 0.5 full-time staff per MW of facility power at $150k loaded cost each; data centres of 2-5 MW employ ~30, hyperscale campuses 100-1,000, Microsoft ~50 per building (unanswered.io 'How many jobs do data centers create', undated, secondary)",
  kind: "estimate",
  note: "AI halls need more hands per MW than cloud halls (hardware swaps); no dated per-MW figure was found",
};

export interface OwnershipAssumptions {
  readonly financingRatePerYear: number;
  readonly staffUsdPerMegawattYear: number;
}

/** What owning the build-out costs a year, by term; energy scales with use, the rest does not. */
export interface OwnershipCost {
  /** Hardware and building paid back with interest over their lives (capital recovery factor). */
  readonly capitalUsdPerYear: number;
  /** Of which interest: the annuity less straight-line depreciation. */
  readonly interestUsdPerYear: number;
  readonly maintenanceUsdPerYear: number;
  readonly staffUsdPerYear: number;
  /** Electricity with every GPU busy (typical training draw x PUE); idle hours are taken as free. */
  readonly electricityUsdPerYearAtFullUse: number;
  /** Costs that do not depend on use: capital, maintenance and staff. */
  readonly fixedUsdPerYear: number;
  readonly gpus: number;
}

/** The yearly payment that pays back 1 dollar over `years` at `rate` (1/years without interest). */
export function capitalRecoveryFactor(rate: number, years: number): number {
  return rate === 0 ? 1 / years : rate / (1 - (1 + rate) ** -years);
}

export function ownershipCost(
  result: BuildoutResult,
  hardwareYears: number,
  facilityYears: number,
  assumptions: OwnershipAssumptions,
): OwnershipCost {
  const capex = result.cost.capexBreakdownUsd;
  const hardware = capex.total - capex.facility;
  const rate = assumptions.financingRatePerYear;
  const capital =
    hardware * capitalRecoveryFactor(rate, hardwareYears) +
    capex.facility * capitalRecoveryFactor(rate, facilityYears);
  const maintenance = result.cost.opexBreakdownUsdPerYear.maintenance;
  const staff = assumptions.staffUsdPerMegawattYear * result.power.facilityMegawatts;
  return {
    capitalUsdPerYear: capital,
    interestUsdPerYear: capital - result.cost.capexUsdPerYear,
    maintenanceUsdPerYear: maintenance,
    staffUsdPerYear: staff,
    electricityUsdPerYearAtFullUse: result.cost.opexBreakdownUsdPerYear.electricity,
    fixedUsdPerYear: capital + maintenance + staff,
    gpus: result.gpus,
  };
}

/** What owning costs a year when the GPUs are busy `utilization` of the hours. */
export function ownershipUsdPerYear(cost: OwnershipCost, utilization: number): number {
  return cost.fixedUsdPerYear + utilization * cost.electricityUsdPerYearAtFullUse;
}

/** What owning costs per GPU-hour used, at a utilization (the share of hours the GPUs are busy). */
export function ownedUsdPerUsedGpuHour(cost: OwnershipCost, utilization: number): number {
  return ownershipUsdPerYear(cost, utilization) / (cost.gpus * HOURS_PER_YEAR * utilization);
}
