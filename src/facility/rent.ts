import type { RentTerm } from "../catalog/rental-prices.ts";
import { InputError } from "../errors.ts";
import { HOURS_PER_YEAR } from "../units.ts";
import {
  type OwnershipAssumptions,
  type OwnershipCost,
  ownedUsdPerUsedGpuHour,
  ownershipUsdPerYear,
} from "./ownership.ts";

// Renting GPU-hours instead of building: what a contract buys, and where owning starts to pay.

/** The price a renter pays, and where it comes from. */
export interface RentPriceSetup {
  /** The catalog preset's name; none when the scenario states its own price. */
  readonly preset?: string;
  readonly accelerator: string;
  readonly term: RentTerm;
  readonly usdPerGpuHour: number;
  readonly source: string;
}

/** A scenario's rent section, resolved: the contract, its price and the owning-side assumptions. */
export interface RentSetup extends OwnershipAssumptions {
  readonly contractUsd: number;
  readonly years: number;
  readonly price: RentPriceSetup;
}

/** What a contract buys: GPU-hours, and the GPUs it holds on average over its term. */
export interface ContractHours {
  readonly gpuHours: number;
  readonly averageGpus: number;
}

export function contractHours(contractUsd: number, usdPerGpuHour: number, years: number): ContractHours {
  if (!(contractUsd >= 0)) throw new InputError("rent.contractUsd", contractUsd, "a non-negative amount");
  if (!(usdPerGpuHour > 0))
    throw new InputError("rent.usdPerGpuHour", usdPerGpuHour, "a positive price per GPU-hour");
  if (!(years > 0)) throw new InputError("rent.years", years, "a positive number of years");
  const gpuHours = contractUsd / usdPerGpuHour;
  return { gpuHours, averageGpus: gpuHours / (years * HOURS_PER_YEAR) };
}

/** Renting costs the price for each GPU-hour used. */
export function rentUsd(usdPerGpuHour: number, gpuHours: number): number {
  return usdPerGpuHour * gpuHours;
}

/**
 * The utilization at which an owned GPU-hour costs what a rented one does: fixed / (G H u) + energy /
 * (G H) = price, so u = fixed / (G H price - energy). Undefined when the price does not even pay
 * for the energy (owning never costs as little). Above 1: owning costs more even with every GPU busy.
 */
export function breakEvenUtilization(cost: OwnershipCost, usdPerGpuHour: number): number | undefined {
  const hours = cost.gpus * HOURS_PER_YEAR;
  const margin = hours * usdPerGpuHour - cost.electricityUsdPerYearAtFullUse;
  return margin > 0 ? cost.fixedUsdPerYear / margin : undefined;
}

/** Owning the build-out against renting its GPU-hours, over the contract's years at the site's utilization. */
export interface BuildVsRent {
  readonly gpus: number;
  readonly utilization: number;
  readonly years: number;
  readonly usedGpuHours: number;
  readonly ownUsd: number;
  readonly rentUsd: number;
  readonly ownUsdPerGpuHour: number;
  readonly rentUsdPerGpuHour: number;
  readonly breakEvenUtilization?: number;
  readonly cheaper: "own" | "rent";
}

export function buildVsRent(
  cost: OwnershipCost,
  usdPerGpuHour: number,
  utilization: number,
  years: number,
): BuildVsRent {
  const usedGpuHours = cost.gpus * HOURS_PER_YEAR * utilization * years;
  const ownUsd = ownershipUsdPerYear(cost, utilization) * years;
  const rent = rentUsd(usdPerGpuHour, usedGpuHours);
  const breakEven = breakEvenUtilization(cost, usdPerGpuHour);
  return {
    gpus: cost.gpus,
    utilization,
    years,
    usedGpuHours,
    ownUsd,
    rentUsd: rent,
    ownUsdPerGpuHour: ownedUsdPerUsedGpuHour(cost, utilization),
    rentUsdPerGpuHour: usdPerGpuHour,
    ...(breakEven !== undefined ? { breakEvenUtilization: breakEven } : {}),
    cheaper: ownUsd <= rent ? "own" : "rent",
  };
}

/** How many training runs of a plan a contract's GPU-hours pay for, and the tokens they train. */
export interface TrainingBought {
  readonly gpuHoursPerRun: number;
  readonly tokensPerRun: number;
  readonly runs: number;
  readonly tokens: number;
}

export function trainingBought(
  contractGpuHours: number,
  run: { readonly gpuHours: number; readonly tokens: number },
): TrainingBought {
  const runs = contractGpuHours / run.gpuHours;
  return { gpuHoursPerRun: run.gpuHours, tokensPerRun: run.tokens, runs, tokens: runs * run.tokens };
}
