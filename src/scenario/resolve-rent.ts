import type { Accelerator } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { RENTAL_PRICES, type RentTerm, rentalPriceFor } from "../catalog/rental-prices.ts";
import { InputError } from "../errors.ts";
import {
  DEFAULT_FINANCING_RATE_PER_YEAR,
  DEFAULT_STAFF_USD_PER_MEGAWATT_YEAR,
} from "../facility/ownership.ts";
import type { RentPriceSetup, RentSetup } from "../facility/rent.ts";
import type { ParsedScenario } from "./schema.ts";

const DEFAULT_TERM: RentTerm = "1y";

function resolvePrice(
  section: NonNullable<ParsedScenario["rent"]>,
  accelerator: Accelerator,
): RentPriceSetup {
  const named = section.price
    ? lookup(RENTAL_PRICES, section.price, "rent.price", "rental price preset")
    : undefined;
  const term = named?.term ?? section.term ?? DEFAULT_TERM;
  if (section.usdPerGpuHour !== undefined) {
    return {
      accelerator: named?.accelerator ?? accelerator.name,
      term,
      usdPerGpuHour: section.usdPerGpuHour,
      source: "the scenario (rent.usdPerGpuHour)",
    };
  }
  const preset = named ?? rentalPriceFor(accelerator.name, term);
  if (!preset) {
    const chips = [...new Set(RENTAL_PRICES.map((p) => p.accelerator))].join(", ");
    throw new InputError(
      "rent.usdPerGpuHour",
      undefined,
      `a price per GPU-hour: the catalog has rental prices for ${chips}, not ${accelerator.name}`,
    );
  }
  const { ref, kind, note } = preset.source;
  return {
    preset: preset.name,
    accelerator: preset.accelerator,
    term: preset.term,
    usdPerGpuHour: preset.usdPerGpuHour,
    source: `${ref} [${kind}${note ? `; ${note}` : ""}]`,
  };
}

/** The rent section with its price found and defaults filled; none without a rent section. */
export function resolveRent(scenario: ParsedScenario, accelerator: Accelerator): RentSetup | undefined {
  const section = scenario.rent;
  if (!section) return undefined;
  const contractUsd = section.contractUsd ?? scenario.budget?.usd;
  if (contractUsd === undefined)
    throw new InputError("rent.contractUsd", undefined, "the money the contract spends (or a budget.usd)");
  return {
    contractUsd,
    years: section.years,
    price: resolvePrice(section, accelerator),
    financingRatePerYear: section.financingRatePerYear ?? DEFAULT_FINANCING_RATE_PER_YEAR,
    staffUsdPerMegawattYear: section.staffUsdPerMegawattYear ?? DEFAULT_STAFF_USD_PER_MEGAWATT_YEAR,
  };
}
