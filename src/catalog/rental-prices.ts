import type { Source } from "./source.ts";

// What renting one GPU for one hour costs, by chip and commitment, from 2025-2026 market figures.
// The market quotes many prices for the same chip (spot, on-demand, reserved; neocloud or
// hyperscaler): these are neocloud / specialty-cloud figures, the tier a large buyer negotiates from.
// Prices per GPU (a GB200 superchip holds two GPUs). A scenario's rent.usdPerGpuHour overrides them.

/** How long the renter commits: pay per hour, or a 1-year or 3-year reservation. */
export type RentTerm = "on-demand" | "1y" | "3y";
export const RENT_TERMS: readonly RentTerm[] = ["on-demand", "1y", "3y"];

export interface RentalPrice {
  /** `${accelerator}-${term}`, e.g. "h100-sxm-1y". */
  readonly name: string;
  /** The catalog accelerator the price is for. */
  readonly accelerator: string;
  readonly term: RentTerm;
  readonly usdPerGpuHour: number;
  readonly source: Source;
}

// The two H100 figures that fix how much a year's commitment takes off the on-demand price.
const H100_ON_DEMAND_USD = 2.95;
const H100_ONE_YEAR_USD = 2.35;
/** 1-year price over on-demand price, from the two H100 figures (0.80): applied where a chip has no 1-year quote. */
export const ONE_YEAR_OVER_ON_DEMAND = H100_ONE_YEAR_USD / H100_ON_DEMAND_USD;
/**
 * 3-year price over 1-year price: an estimate. No dated 3-year GPU quote was found; reservations of
 * 1 to 3 years are quoted at 30-55% below on-demand (computingpower.org pricing models, undated;
 * Mercatus cloud GPU pricing, May 2026: 30-50%), and 0.80 x 0.85 = 0.68 of on-demand sits in that band.
 */
export const THREE_YEAR_OVER_ONE_YEAR = 0.85;

const cents = (usd: number) => Math.round(usd * 100) / 100;

const oneYearEstimate = (chip: string): Source => ({
  ref: "derived: the chip's on-demand price x 0.80, the H100's 1-year / on-demand ratio ($2.35 SemiAnalysis March 2026 / $2.95 AIMultiple May 2026)",
  kind: "estimate",
  note: `no dated 1-year quote for ${chip} was found`,
});
const threeYearEstimate = (chip: string, oneYearUsd: number): Source => ({
  ref: `derived: the ${chip}-1y price ($${oneYearUsd.toFixed(2)}) x 0.85 (1- to 3-year reservations quoted 30-55% below on-demand: computingpower.org pricing models page, undated; Mercatus cloud GPU pricing, May 2026: 30-50%; both secondary)`,
  kind: "estimate",
  note: "no dated 3-year quote was found",
});

/** The three terms of one chip from its on-demand price (and a 1-year price where one is quoted). */
function terms(
  accelerator: string,
  onDemand: { usd: number; source: Source },
  oneYear?: { usd: number; source: Source },
): RentalPrice[] {
  const year = oneYear ?? {
    usd: cents(onDemand.usd * ONE_YEAR_OVER_ON_DEMAND),
    source: oneYearEstimate(accelerator),
  };
  return [
    {
      name: `${accelerator}-on-demand`,
      accelerator,
      term: "on-demand",
      usdPerGpuHour: onDemand.usd,
      source: onDemand.source,
    },
    { name: `${accelerator}-1y`, accelerator, term: "1y", usdPerGpuHour: year.usd, source: year.source },
    {
      name: `${accelerator}-3y`,
      accelerator,
      term: "3y",
      usdPerGpuHour: cents(year.usd * THREE_YEAR_OVER_ONE_YEAR),
      source: threeYearEstimate(accelerator, year.usd),
    },
  ];
}

export const RENTAL_PRICES: readonly RentalPrice[] = [
  ...terms(
    "h100-sxm",
    {
      usd: H100_ON_DEMAND_USD,
      source: {
        ref: "AIMultiple Cloud GPU Rental Price Index, updated 2026-05-20: H100 cohort median ~$2.95/GPU-hour over 37 providers (aimultiple.com/gpu-index)",
        kind: "measured",
        note: "secondary: an aggregator's median of posted on-demand prices",
      },
    },
    {
      usd: H100_ONE_YEAR_USD,
      source: {
        ref: "SemiAnalysis GPU rental index, 1-year H100 contract $2.35/GPU-hour in March 2026 (published 2026-04-02), up from $1.70 in October 2025; as reported by techreaderdaily.com and compux.net (2026)",
        kind: "measured",
        note: "secondary: the SemiAnalysis report itself was not in the stored index",
      },
    },
  ),
  ...terms("h200", {
    usd: 4.0,
    source: {
      ref: "Mercatus, Cloud GPU pricing (May 2026): H200 SXM on-demand $3.50-4.50 at specialty clouds, midpoint $4.00 (hyperscalers $4.50-7.00); Spheron on-demand $4.54 on 2026-03-17",
      kind: "measured",
      note: "secondary; the midpoint of a quoted range",
    },
  }),
  ...terms("b200", {
    usd: 5.25,
    source: {
      ref: "Lyceum, NVIDIA B200 GPU cloud pricing 2026 (2026-03-11): on-demand $4.50-6.00 at specialized clouds, midpoint $5.25; neocloud range $3.75 (packet.ai, 'as of June 2026') to $6.03 (Spheron, 2026-03-17); hyperscalers $8.00-14.24 (packet.ai)",
      kind: "measured",
      note: "secondary; the midpoint of a quoted range",
    },
  }),
  ...terms("gb200", {
    usd: 4.54,
    source: {
      ref: "Spheron, NVIDIA H200 vs B200 vs GB200 (2026-03-18): GB200 $9.08 per superchip-hour on demand (2026-03-17); a superchip holds 2 GPUs, so $4.54 per GPU-hour",
      kind: "measured",
      note: "secondary; one provider's posted price (long NVL72 reservations are negotiated privately)",
    },
  }),
];

/** The preset for an accelerator and term, if the catalog has one. */
export function rentalPriceFor(accelerator: string, term: RentTerm): RentalPrice | undefined {
  return RENTAL_PRICES.find((p) => p.accelerator === accelerator && p.term === term);
}
