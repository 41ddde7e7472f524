import type { BuildoutReport, RentReport } from "../pipeline/buildout.ts";
import { formatGrouped, formatPercent, formatQuantity, formatUsd } from "../units.ts";
import { type Line, type ReportDocument, row, type Section, span } from "./document.ts";
import { COST_TERMS, OPEX_TERMS, POWER_TERMS, RESULT_TERMS, termKeys } from "./glossary.ts";

function count(value: number): string {
  return formatGrouped(Math.round(value));
}

/** What fixed the size of the build-out, in words. */
export function sizedByText(report: BuildoutReport): string {
  return report.sizedBy === "gpus"
    ? "sized by GPU count"
    : report.sizedBy === "budget"
      ? `the most a ${formatUsd(report.budget.usd ?? 0)} budget buys`
      : `the most ${report.budget.megawatts ?? 0} MW of facility power holds`;
}

function costNotes(report: BuildoutReport): Line[] {
  const cost = report.result.cost;
  const notes: Line[] = [
    [
      span(
        `$${cost.usdPerGpuHour.toFixed(2)} per GPU-hour (amortized capex plus opex over the hours used)`,
        RESULT_TERMS.usdPerGpuHour.help,
      ),
    ],
  ];
  const used = budgetUsedText(report);
  if (used) notes.push(`budget used: ${used}`);
  if (report.chipsPerYear) {
    const c = report.chipsPerYear;
    notes.push(
      `${count(c.chips)} chips a year need ${(c.facilityMegawatts / 1000).toFixed(2)} GW of facility power ` +
        `(${(c.itMegawatts / 1000).toFixed(2)} GW IT) and ${formatUsd(c.capexUsd)} of build-out each year`,
    );
  }
  return notes;
}

/** How much of the money and power envelope the build-out uses ("100.0% of $12.00 B"); none without one. */
export function budgetUsedText(report: BuildoutReport): string | undefined {
  const used = report.budgetUsed;
  const parts = [
    used.usd !== undefined ? `${formatPercent(used.usd)} of ${formatUsd(report.budget.usd ?? 0)}` : "",
    used.megawatts !== undefined ? `${formatPercent(used.megawatts)} of ${report.budget.megawatts} MW` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

const perHour = (usd: number) => `$${usd.toFixed(2)}`;
/** Tokens in trillions once they reach one (formatQuantity stops at billions). */
const tokensText = (tokens: number) =>
  tokens >= 1e12 ? `${formatGrouped(tokens / 1e12, 2, true)} T` : formatQuantity(tokens);

/** The utilization at which owning costs what renting does, in words. */
export function breakEvenText(rent: RentReport): string {
  const u = rent.comparison.breakEvenUtilization;
  if (u === undefined) return "never: the price does not pay for the energy";
  return u > 1 ? `${formatPercent(u)} (owning costs more even with every GPU busy)` : formatPercent(u);
}

/** What a rent contract buys, and owning the build-out against renting its GPU-hours. */
export function rentSection(rent: RentReport): Section {
  const { setup, contract, ownership: own, comparison: cmp } = rent;
  const price = setup.price;
  const rate = formatPercent(setup.financingRatePerYear);
  const used = `${formatPercent(cmp.utilization, 0)} of hours`;
  const training = rent.training;
  return {
    title: `Rent vs build: a ${formatUsd(setup.contractUsd)} contract over ${setup.years} years`,
    table: {
      header: ["item", "value", "note"],
      rows: [
        row(
          ["rental price", `${perHour(price.usdPerGpuHour)}/GPU-hour`, `${price.accelerator}, ${price.term}`],
          price.source,
        ),
        row(["GPU-hours bought", formatQuantity(contract.gpuHours), ""], "contract / price per GPU-hour"),
        row(
          ["GPUs held on average", count(contract.averageGpus), `over ${setup.years} years`],
          "GPU-hours / (years x 8,760 hours)",
        ),
        ...(training
          ? [
              row(
                [
                  "training runs bought",
                  training.runs.toFixed(2),
                  `${formatQuantity(training.gpuHoursPerRun)} GPU-hours each (the plan's)`,
                ],
                "GPU-hours bought / GPU-hours of one run of the plan",
              ),
              row(
                ["tokens trained", tokensText(training.tokens), `${tokensText(training.tokensPerRun)} a run`],
                "runs x tokens per run",
              ),
            ]
          : []),
        row(
          ["owning: capital a year", formatUsd(own.capitalUsdPerYear), `with ${rate} interest`],
          "hardware and building paid back with interest over their lives (annuity)",
        ),
        row(
          ["  of which interest", formatUsd(own.interestUsdPerYear), ""],
          "the annuity less straight-line depreciation",
        ),
        row(["owning: maintenance a year", formatUsd(own.maintenanceUsdPerYear), ""], "hardware support"),
        row(
          [
            "owning: staff a year",
            formatUsd(own.staffUsdPerYear),
            `$${count(setup.staffUsdPerMegawattYear)}/MW-year`,
          ],
          rent.sources.staff,
        ),
        row(
          ["owning: electricity a year", formatUsd(own.electricityUsdPerYearAtFullUse), "every GPU busy"],
          "typical training draw x PUE x price of energy; scaled by utilization below",
        ),
        row(
          ["own $/GPU-hour", perHour(cmp.ownUsdPerGpuHour), `${count(cmp.gpus)} GPUs busy ${used}`],
          "owning a year / GPU-hours used a year",
        ),
        row(["rent $/GPU-hour", perHour(cmp.rentUsdPerGpuHour), ""], "the rental price"),
        row(
          [
            `own over ${setup.years} years`,
            formatUsd(cmp.ownUsd),
            `${formatQuantity(cmp.usedGpuHours)} GPU-hours used`,
          ],
          "owning a year x years",
        ),
        row(
          [`rent over ${setup.years} years`, formatUsd(cmp.rentUsd), "the same GPU-hours rented"],
          "price x GPU-hours used",
        ),
        row(
          ["break-even utilization", breakEvenText(rent), `${cmp.cheaper} is cheaper at ${used}`],
          "the share of hours at which an owned GPU-hour costs what a rented one does",
        ),
      ],
      textColumns: [1, 2],
      help: "what the contract buys, and owning the build-out against renting the GPU-hours it would use",
    },
    notes: [
      `price: ${price.preset ?? "stated"}; ${price.source}`,
      `financing ${rate}: ${rent.sources.financing}`,
      `staff: ${rent.sources.staff}`,
      "a reserved contract bills every hour: the break-even compares owning with paying the price for the hours used",
    ],
  };
}

/** The build-out: bill of materials, the fabric a GPU sees, power, cost, and every assumption's source. */
export function buildoutReport(report: BuildoutReport): ReportDocument {
  const r = report.result;
  const net = r.network;
  const capex = r.cost.capexBreakdownUsd;
  return {
    sections: [
      { title: `Build-out: ${report.site.displayName} (${sizedByText(report)})` },
      {
        title: "Bill of materials",
        table: {
          header: ["item", "count", "note"],
          rows: [
            row(["GPUs", count(r.gpus), r.accelerator], "GPUs, rounded up to whole servers"),
            row(["servers", count(r.servers), r.platform], "GPUs / GPUs per server"),
            row(
              [
                "racks",
                count(r.racks),
                `${r.serversPerRack} ${r.serversPerRack === 1 ? "server" : "servers"} per rack`,
              ],
              "servers / servers per rack (the rack's kW and U limit)",
            ),
            ...net.tierDetail.map((t) =>
              row(
                [`${t.name} switches (tier ${t.tier})`, count(t.switches), net.switchModel],
                `tier ${t.tier} of a ${net.tiers}-tier folded Clos: ports needed / switch radix`,
              ),
            ),
            row(
              ["links", count(net.links), `GPU NICs and ${net.tiers}-tier Clos`],
              "GPU-to-leaf links plus the links between tiers",
            ),
            row(
              ["optical transceivers", count(net.transceivers), net.transceiverModel],
              "one per optical link end",
            ),
            row(["storage", `${count(r.storageTerabytes)} TB`, ""], "GPUs x terabytes per GPU (site)"),
          ],
          textColumns: [2],
          help: "the bill of materials of the build-out",
        },
      },
      {
        title: "Fabric: what a GPU sees at each distance",
        table: {
          header: ["distance", "GPUs within", "switch hops", "switch latency", "bandwidth share"],
          rows: [
            row(["NVLink domain", "-", "0", "-", "NVLink"]),
            ...net.distances.map((d) =>
              row([
                d.distance,
                count(d.gpus),
                String(d.switchHops),
                `${(d.switchHops * net.switchLatencySeconds * 1e6).toFixed(2)} us`,
                formatPercent(d.bandwidthFraction),
              ]),
            ),
          ],
          help: "GPUs reachable within each tier, the switches crossed on the way, and the share of full bandwidth left by oversubscription",
        },
        notes: [`bisection ${(net.bisectionGbps / 1e3).toFixed(0)} Tb/s`],
      },
      {
        title: "Power (MW)",
        table: {
          header: ["component", "peak", "typical"],
          rows: [
            ...termKeys(POWER_TERMS).map((key) =>
              row(
                [
                  POWER_TERMS[key].label,
                  (r.power.peakWatts[key] / 1e6).toFixed(2),
                  (r.power.typicalWatts[key] / 1e6).toFixed(2),
                ],
                POWER_TERMS[key].help,
              ),
            ),
            row(
              [
                `facility (PUE ${r.power.pue.toFixed(2)})`,
                r.power.facilityMegawatts.toFixed(2),
                r.power.typicalFacilityMegawatts.toFixed(2),
              ],
              RESULT_TERMS.facilityMegawatts.help,
            ),
          ],
          help: "power at peak (all at maximum) and typical in training",
        },
      },
      {
        title: "Cost",
        table: {
          header: ["item", "USD", "share"],
          rows: [
            ...termKeys(COST_TERMS).map((key) =>
              row(
                [COST_TERMS[key].label, formatUsd(capex[key]), formatPercent(capex[key] / capex.total)],
                COST_TERMS[key].help,
              ),
            ),
            ...termKeys(OPEX_TERMS).map((key) =>
              row(
                [OPEX_TERMS[key].label, formatUsd(r.cost.opexBreakdownUsdPerYear[key]), ""],
                OPEX_TERMS[key].help,
              ),
            ),
            row(
              [RESULT_TERMS.capexUsdPerYear.label, formatUsd(r.cost.capexUsdPerYear), ""],
              RESULT_TERMS.capexUsdPerYear.help,
            ),
          ],
          help: RESULT_TERMS.capex.help,
        },
        notes: costNotes(report),
      },
      ...(report.rent ? [rentSection(report.rent)] : []),
      {
        title: "Assumptions",
        table: {
          header: ["what", "value", "source"],
          rows: report.assumptions.map((a) => [
            span(a.what),
            span(a.value, a.source),
            span(a.source, "where the value comes from"),
          ]),
          textColumns: [1, 2],
          help: "every assumption behind the build-out, with its source",
        },
      },
    ],
  };
}
