import type { BuildoutReport } from "../pipeline/buildout.ts";
import { formatPercent, formatUsd } from "../units.ts";
import { type Line, type ReportDocument, row, span } from "./document.ts";
import { COST_TERMS, OPEX_TERMS, POWER_TERMS, RESULT_TERMS, termKeys } from "./glossary.ts";

function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
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
