import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ACCELERATORS } from "../src/catalog/accelerators.ts";
import { RENT_TERMS, RENTAL_PRICES, rentalPriceFor } from "../src/catalog/rental-prices.ts";
import {
  capitalRecoveryFactor,
  ownedUsdPerUsedGpuHour,
  ownershipUsdPerYear,
} from "../src/facility/ownership.ts";
import {
  breakEvenUtilization,
  buildVsRent,
  contractHours,
  rentUsd,
  trainingBought,
} from "../src/facility/rent.ts";
import { buildoutScenario, withRentTraining } from "../src/pipeline/buildout.ts";
import { planScenario } from "../src/pipeline/plan.ts";
import { buildoutReport } from "../src/report/buildout-report.ts";
import { drawText } from "../src/report/document.ts";
import { loadScenario } from "../src/scenario/normalize.ts";
import { HOURS_PER_YEAR } from "../src/units.ts";
import { relativeError, runCli } from "./helpers.ts";

const scratch = mkdtempSync(join(tmpdir(), "gigacluster-rent-"));

function rentOf(text: string) {
  const report = buildoutScenario(loadScenario(text).facility);
  assert.ok(report.rent, "a rent section gives a rent report");
  return { report, rent: report.rent };
}

describe("rental price presets", () => {
  it("cover H100, H200, B200 and GB200 on demand, 1 and 3 years, each a catalog chip with a dated source", () => {
    for (const chip of ["h100-sxm", "h200", "b200", "gb200"]) {
      assert.ok(
        ACCELERATORS.some((a) => a.name === chip),
        chip,
      );
      const [onDemand, year, threeYears] = RENT_TERMS.map((term) => rentalPriceFor(chip, term));
      assert.ok(onDemand && year && threeYears, `${chip} has all three terms`);
      // A longer commitment never costs more per hour.
      assert.ok(threeYears.usdPerGpuHour <= year.usdPerGpuHour);
      assert.ok(year.usdPerGpuHour <= onDemand.usdPerGpuHour);
    }
    for (const price of RENTAL_PRICES) {
      assert.ok(price.usdPerGpuHour > 0.5 && price.usdPerGpuHour < 20, price.name);
      assert.match(price.source.ref, /20(25|26)/, `${price.name} is dated`);
      assert.equal(price.name, `${price.accelerator}-${price.term}`);
    }
  });

  it("the sourced H100 figures are the ones quoted: $2.95 on demand, $2.35 for a year", () => {
    assert.equal(rentalPriceFor("h100-sxm", "on-demand")?.usdPerGpuHour, 2.95);
    assert.equal(rentalPriceFor("h100-sxm", "1y")?.usdPerGpuHour, 2.35);
    assert.equal(rentalPriceFor("gb200", "on-demand")?.usdPerGpuHour, 9.08 / 2);
  });
});

describe("a contract's GPU-hours", () => {
  it("renting costs the price times the GPU-hours: the contract buys exactly its value", () => {
    const { rent } = rentOf("cluster: { accelerator: h100-sxm }\nrent: { contractUsd: 10e9, years: 5 }\n");
    const price = rent.setup.price.usdPerGpuHour;
    assert.equal(price, 2.35);
    assert.ok(relativeError(rentUsd(price, rent.contract.gpuHours), 10e9) < 1e-12);
    assert.ok(relativeError(rent.contract.averageGpus * 5 * HOURS_PER_YEAR, rent.contract.gpuHours) < 1e-12);
    const cmp = rent.comparison;
    assert.ok(relativeError(cmp.rentUsd, price * cmp.usedGpuHours) < 1e-12);
  });

  it("more money never buys fewer GPU-hours, at any preset and term", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.constantFrom(...RENTAL_PRICES),
        fc.double({ min: 0.25, max: 30, noNaN: true }),
        (a, b, price, years) => {
          const [less, more] = a <= b ? [a, b] : [b, a];
          const low = contractHours(less, price.usdPerGpuHour, years);
          const high = contractHours(more, price.usdPerGpuHour, years);
          return high.gpuHours >= low.gpuHours && high.averageGpus >= low.averageGpus;
        },
      ),
    );
  });

  it("a stated price overrides the preset, and a contract alone sizes the cluster it is weighed against", () => {
    const { report, rent } = rentOf(
      "cluster: { accelerator: b200 }\nrent: { contractUsd: 1e9, years: 2, usdPerGpuHour: 4 }\n",
    );
    assert.equal(rent.setup.price.usdPerGpuHour, 4);
    assert.equal(rent.setup.price.preset, undefined);
    assert.equal(rent.contract.gpuHours, 1e9 / 4);
    const held = Math.ceil(rent.contract.averageGpus);
    assert.ok(report.result.gpus >= held && report.result.gpus < held + 8, "whole servers of the GPUs held");
  });

  it("the contract defaults to the budget, and the term picks the accelerator's preset", () => {
    const { rent } = rentOf(
      "cluster: { accelerator: gb200 }\nbudget: { usd: 2e9 }\nrent: { years: 2, term: on-demand }\n",
    );
    assert.equal(rent.setup.contractUsd, 2e9);
    assert.equal(rent.setup.price.preset, "gb200-on-demand");
  });
});

describe("build vs rent", () => {
  const { rent } = rentOf(
    "cluster: { accelerator: h100-sxm }\nbudget: { usd: 6e9 }\nrent: { years: 5, term: 1y }\n",
  );
  const own = rent.ownership;
  const price = rent.setup.price.usdPerGpuHour;

  it("at the break-even utilization an owned GPU-hour costs what a rented one does", () => {
    const u = breakEvenUtilization(own, price);
    assert.ok(u !== undefined && u > 0 && u < 1, `break-even ${u}`);
    assert.equal(rent.comparison.breakEvenUtilization, u);
    assert.ok(relativeError(ownedUsdPerUsedGpuHour(own, u), price) < 1e-9);
    // Both sides over the same used hours at that utilization.
    const at = buildVsRent(own, price, u, 5);
    assert.ok(relativeError(at.ownUsd, at.rentUsd) < 1e-9);
    // Busier than break-even, owning is cheaper; idler, renting is.
    assert.equal(buildVsRent(own, price, Math.min(1, u * 1.1), 5).cheaper, "own");
    assert.equal(buildVsRent(own, price, u * 0.9, 5).cheaper, "rent");
  });

  it("owning adds interest and staff to the build-out's straight-line cost", () => {
    assert.ok(own.interestUsdPerYear > 0);
    assert.ok(own.staffUsdPerYear > 0);
    assert.equal(capitalRecoveryFactor(0, 5), 1 / 5);
    // A 5-year annuity at 7.6% pays 0.2478 a year per dollar.
    assert.ok(relativeError(capitalRecoveryFactor(0.076, 5), 0.24782) < 1e-4, "annuity factor");
    const { rent: free } = rentOf(
      "cluster: { accelerator: h100-sxm }\nbudget: { usd: 6e9 }\nrent: { years: 5, financingRatePerYear: 0, staffUsdPerMegawattYear: 0 }\n",
    );
    assert.ok(Math.abs(free.ownership.interestUsdPerYear) < 1e-3);
    assert.ok(free.ownership.fixedUsdPerYear < own.fixedUsdPerYear);
    assert.ok(
      relativeError(ownershipUsdPerYear(own, 1), own.fixedUsdPerYear + own.electricityUsdPerYearAtFullUse) <
        1e-12,
    );
  });

  it("a price below the cost of energy never breaks even", () => {
    const energyPerGpuHour = own.electricityUsdPerYearAtFullUse / (own.gpus * HOURS_PER_YEAR);
    assert.equal(breakEvenUtilization(own, energyPerGpuHour * 0.5), undefined);
    const report = buildVsRent(own, energyPerGpuHour * 0.5, 0.9, 5);
    assert.equal(report.breakEvenUtilization, undefined);
    assert.equal(report.cheaper, "rent");
  });

  it("the build-out report shows the contract, both sides and the break-even; without a rent section, nothing", () => {
    const text = drawText(
      buildoutReport(
        buildoutScenario(
          loadScenario("cluster: { accelerator: h100-sxm }\nbudget: { usd: 6e9 }\nrent: { years: 5 }\n")
            .facility,
        ),
      ),
    );
    assert.match(text, /Rent vs build: a \$6\.00 B contract over 5 years/);
    assert.match(text, /break-even utilization\s+\d+\.\d%/);
    const plain = buildoutScenario(
      loadScenario("cluster: { accelerator: h100-sxm }\nbudget: { usd: 6e9 }\n").facility,
    );
    assert.equal(plain.rent, undefined);
    assert.ok(!("rent" in plain));
    assert.doesNotMatch(drawText(buildoutReport(plain)), /Rent vs build/);
  });
});

describe("training runs a contract buys", () => {
  it("divides the contract's GPU-hours by the plan's GPU-hours per run", () => {
    const scenario = loadScenario(
      [
        "model: llama-3-8b",
        "training: { sequenceLength: 4096, globalBatchSequences: 512, tokens: 1e12 }",
        "cluster: { accelerator: h100-sxm, gpus: 256 }",
        "rent: { contractUsd: 50e6, years: 1 }",
      ].join("\n"),
    );
    const planned = planScenario(scenario);
    const run = planned.plan.training;
    assert.ok(run, "a token budget gives the run's GPU-hours");
    const report = withRentTraining(planned.buildout, run);
    const bought = report.rent?.training;
    assert.ok(bought);
    assert.equal(bought.gpuHoursPerRun, run.gpuHours);
    assert.ok(relativeError(bought.runs, 50e6 / 2.35 / run.gpuHours) < 1e-12);
    assert.ok(relativeError(bought.tokens, bought.runs * 1e12) < 1e-12);
    assert.match(drawText(buildoutReport(report)), /training runs bought/);
    // No plan (or no rent section): the report is unchanged.
    assert.equal(withRentTraining(planned.buildout, undefined), planned.buildout);
    assert.deepEqual(trainingBought(10, { gpuHours: 5, tokens: 3 }), {
      gpuHoursPerRun: 5,
      tokensPerRun: 3,
      runs: 2,
      tokens: 6,
    });
  });
});

describe("bad rent sections exit 1 naming the field", () => {
  const cases: { name: string; text: string; message: RegExp }[] = [
    {
      name: "negative contract",
      text: "cluster: { accelerator: h100-sxm }\nrent: { contractUsd: -10e9 }\n",
      message: /rent\.contractUsd: got -10000000000, expected at least 0/,
    },
    {
      name: "unknown preset",
      text: "cluster: { accelerator: h100-sxm }\nrent: { contractUsd: 10e9, price: h100-sxm-2y }\n",
      message:
        /rent\.price: got "h100-sxm-2y", expected a known rental price preset .*did you mean "h100-sxm-1y"/,
    },
    {
      name: "unknown term",
      text: "cluster: { accelerator: h100-sxm }\nrent: { contractUsd: 10e9, term: 5y }\n",
      message: /rent\.term: got "5y"/,
    },
    {
      name: "no contract and no budget",
      text: "cluster: { accelerator: h100-sxm }\nrent: { years: 5 }\n",
      message: /rent\.contractUsd: got nothing, expected the money the contract spends/,
    },
    {
      name: "a chip without a rental price",
      text: "cluster: { accelerator: mi300x }\nrent: { contractUsd: 1e9 }\n",
      message:
        /rent\.usdPerGpuHour: got nothing, expected a price per GPU-hour: the catalog has rental prices for h100-sxm, h200, b200, gb200, not mi300x/,
    },
    {
      name: "zero years",
      text: "cluster: { accelerator: h100-sxm }\nrent: { contractUsd: 1e9, years: 0 }\n",
      message: /rent\.years: got 0/,
    },
  ];
  for (const entry of cases) {
    it(entry.name, async () => {
      const file = join(scratch, `${entry.name.replaceAll(" ", "-")}.yaml`);
      writeFileSync(file, entry.text);
      const result = await runCli("buildout", file);
      assert.equal(result.code, 1, `${result.stderr}${result.stdout}`);
      assert.match(result.stderr, entry.message);
      assert.doesNotMatch(result.stderr, /\n\s+at |NaN|Infinity/);
    });
  }
});
