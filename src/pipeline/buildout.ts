import { type BuildoutResult, buildout } from "../facility/buildout.ts";
import { type Budget, largestWithin } from "../facility/inverse.ts";
import {
  DEFAULT_FINANCING_RATE_PER_YEAR,
  DEFAULT_STAFF_USD_PER_MEGAWATT_YEAR,
  FINANCING_RATE_SOURCE,
  type OwnershipCost,
  ownershipCost,
  STAFF_SOURCE,
} from "../facility/ownership.ts";
import {
  type BuildVsRent,
  buildVsRent,
  type ContractHours,
  contractHours,
  type RentSetup,
  type TrainingBought,
  trainingBought,
} from "../facility/rent.ts";
import type { FacilitySetup } from "../scenario/resolve-facility.ts";

export interface BuildoutReport {
  /** The scenario names a site or a budget; else this is the generic site's build-out of its GPUs. */
  readonly stated: boolean;
  readonly site: { readonly name: string; readonly displayName: string };
  readonly result: BuildoutResult;
  /** What fixed the size: a GPU count, the money, or the power envelope. */
  readonly sizedBy: "gpus" | "budget" | "power";
  readonly budget: Budget;
  /** Shares of the budget used (when one was given). */
  readonly budgetUsed: { readonly usd?: number; readonly megawatts?: number };
  /** Power the chips of one year need, for a chips-per-year figure. */
  readonly chipsPerYear?: {
    readonly chips: number;
    readonly itMegawatts: number;
    readonly facilityMegawatts: number;
    readonly capexUsd: number;
  };
  /** The rent section's contract weighed against owning this build-out (only with a rent section). */
  readonly rent?: RentReport;
  /** Every assumption behind the numbers, with its source. */
  readonly assumptions: readonly { readonly what: string; readonly value: string; readonly source: string }[];
}

export interface RentReport {
  readonly setup: RentSetup;
  /** What the contract buys at its price. */
  readonly contract: ContractHours;
  /** What owning the build-out costs a year, with financing and staff. */
  readonly ownership: OwnershipCost;
  /** Owning against renting the same used GPU-hours over the contract's years. */
  readonly comparison: BuildVsRent;
  /** Training runs of the scenario's plan the contract pays for (when a plan is at hand). */
  readonly training?: TrainingBought;
  readonly sources: { readonly financing: string; readonly staff: string };
}

function rentReport(facility: FacilitySetup, rent: RentSetup, result: BuildoutResult): RentReport {
  const { site } = facility;
  const ownership = ownershipCost(result, site.hardwareYears, site.facilityYears, rent);
  const source = (s: { ref: string; kind: string }) => `${s.ref} [${s.kind}]`;
  return {
    setup: rent,
    contract: contractHours(rent.contractUsd, rent.price.usdPerGpuHour, rent.years),
    ownership,
    comparison: buildVsRent(ownership, rent.price.usdPerGpuHour, site.utilization, rent.years),
    sources: {
      financing:
        rent.financingRatePerYear === DEFAULT_FINANCING_RATE_PER_YEAR
          ? source(FINANCING_RATE_SOURCE)
          : `the scenario (rent.financingRatePerYear); the default ${DEFAULT_FINANCING_RATE_PER_YEAR}: ${source(FINANCING_RATE_SOURCE)}`,
      staff:
        rent.staffUsdPerMegawattYear === DEFAULT_STAFF_USD_PER_MEGAWATT_YEAR
          ? source(STAFF_SOURCE)
          : "the scenario (rent.staffUsdPerMegawattYear)",
    },
  };
}

/**
 * The build-out with the training runs its rent contract pays for: the GPU-hours of one run come
 * from the plan (plan.training.gpuHours), not derived again here. Unchanged without a rent section
 * or without a token budget.
 */
export function withRentTraining(
  report: BuildoutReport,
  run: { readonly gpuHours: number; readonly tokens: number } | undefined,
): BuildoutReport {
  if (!report.rent || !run || !(run.gpuHours > 0)) return report;
  return {
    ...report,
    rent: { ...report.rent, training: trainingBought(report.rent.contract.gpuHours, run) },
  };
}

function assumptionsOf(facility: FacilitySetup): BuildoutReport["assumptions"] {
  const { site, platform, gear, accelerator } = facility;
  const ref = (sources: Readonly<Record<string, { ref: string }>>, key: string) =>
    sources[key]?.ref ?? "site preset";
  return [
    { what: "GPU TDP", value: `${accelerator.tdpWatts} W`, source: accelerator.sources.tdpWatts.ref },
    {
      what: "server",
      value: `${platform.displayName}, ${(platform.serverMaxWatts / 1000).toFixed(1)} kW max`,
      source: ref(platform.sources, "serverMaxWatts"),
    },
    {
      what: "server price",
      value: `$${(platform.priceUsd / 1000).toFixed(0)}k`,
      source: ref(platform.sources, "priceUsd"),
    },
    {
      what: "draw in training",
      value: `GPUs ${(platform.typicalGpuFraction * 100).toFixed(0)}% of TDP, rest ${(platform.typicalOtherFraction * 100).toFixed(0)}%`,
      source: ref(platform.sources, "typical"),
    },
    {
      what: "switch",
      value: `${gear.switch.name}, ${gear.switch.watts} W, $${(gear.switch.priceUsd / 1000).toFixed(0)}k`,
      source: `${ref(gear.switch.sources, "ports")}; power: ${ref(gear.switch.sources, "watts")}; price: ${ref(gear.switch.sources, "priceUsd")}`,
    },
    {
      what: "optics",
      value: `${gear.switchTransceiver.name} ${gear.switchTransceiver.watts} W $${gear.switchTransceiver.priceUsd}; ${gear.nicTransceiver.name} ${gear.nicTransceiver.watts} W $${gear.nicTransceiver.priceUsd}`,
      source: `${ref(gear.switchTransceiver.sources, "watts")}; ${ref(gear.switchTransceiver.sources, "priceUsd")}`,
    },
    {
      what: "rack limit",
      value: `${site.rackKilowatts} kW, ${site.rackUnits} U`,
      source: ref(site.sources, "rackKilowatts"),
    },
    {
      what: "fabric",
      value: `leaf ${site.fabric.leafOversubscription}:1, pods ${site.fabric.podGpus || "natural"} at ${site.fabric.podOversubscription}:1 above`,
      source: ref(site.sources, "fabric"),
    },
    { what: "PUE", value: site.pue.toFixed(2), source: ref(site.sources, "pue") },
    {
      what: "storage",
      value: `${site.storageTerabytesPerGpu} TB per GPU, ${site.storageWattsPerTerabyte} W/TB, $${site.storageUsdPerTerabyte}/TB`,
      source: `capacity: ${ref(site.sources, "storageTerabytesPerGpu")}; power: ${ref(site.sources, "storageWattsPerTerabyte")}; price: ${ref(site.sources, "storageUsdPerTerabyte")}`,
    },
    {
      what: "building and power",
      value: `$${(site.facilityUsdPerItMegawatt / 1e6).toFixed(1)}M per MW of IT`,
      source: ref(site.sources, "facilityUsdPerItMegawatt"),
    },
    {
      what: "electricity",
      value: `$${site.electricityUsdPerMegawattHour}/MWh`,
      source: ref(site.sources, "electricityUsdPerMegawattHour"),
    },
    {
      what: "maintenance",
      value: `${(site.maintenanceFractionPerYear * 100).toFixed(1)}% of hardware a year`,
      source: ref(site.sources, "maintenanceFractionPerYear"),
    },
    {
      what: "amortization",
      value: `hardware ${site.hardwareYears} years, building ${site.facilityYears} years`,
      source: ref(site.sources, "hardwareYears"),
    },
    {
      what: "utilization",
      value: `${(site.utilization * 100).toFixed(0)}% of hours`,
      source: ref(site.sources, "utilization"),
    },
  ];
}

/**
 * GPUs the training job runs on: the count the scenario states (a job of 1 or 12 GPUs uses 1 or 12,
 * though the build-out rounds up to whole servers), or the whole build-out when a budget or site sizes it.
 */
export function jobGpus(facility: FacilitySetup, built: BuildoutReport): number {
  return facility.size.by === "gpus" ? facility.size.gpus : built.result.gpus;
}

export function buildoutScenario(facility: FacilitySetup): BuildoutReport {
  const base = {
    accelerator: facility.accelerator,
    platform: facility.platform,
    gear: facility.gear,
    site: facility.site,
  };
  let result: BuildoutResult;
  let sizedBy: BuildoutReport["sizedBy"];
  if (facility.size.by === "gpus") {
    result = buildout({ ...base, gpus: facility.size.gpus });
    sizedBy = "gpus";
  } else {
    const inverse = largestWithin(base, facility.size.limit);
    result = inverse.result;
    sizedBy = inverse.limitedBy;
  }
  const { usd, megawatts } = facility.budget;
  const chips = facility.chipsPerYear;
  const yearly = chips === undefined ? undefined : buildout({ ...base, gpus: chips });
  return {
    stated: facility.stated,
    site: { name: facility.site.name, displayName: facility.site.displayName },
    result,
    sizedBy,
    budget: facility.budget,
    budgetUsed: {
      ...(usd !== undefined ? { usd: result.cost.capexUsd / usd } : {}),
      ...(megawatts !== undefined ? { megawatts: result.power.facilityMegawatts / megawatts } : {}),
    },
    ...(yearly && chips !== undefined
      ? {
          chipsPerYear: {
            chips,
            itMegawatts: yearly.power.itMegawatts,
            facilityMegawatts: yearly.power.facilityMegawatts,
            capexUsd: yearly.cost.capexUsd,
          },
        }
      : {}),
    ...(facility.rent ? { rent: rentReport(facility, facility.rent, result) } : {}),
    assumptions: assumptionsOf(facility),
  };
}
