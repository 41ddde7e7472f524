import type { BuildoutReport } from "../pipeline/buildout.ts";
import { formatPercent, formatUsd } from "../units.ts";
import { COST_TERMS, OPEX_TERMS, POWER_TERMS, RESULT_TERMS, termKeys } from "./glossary.ts";
import { renderTable } from "./table.ts";

function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function renderBuildoutText(report: BuildoutReport): string {
  const r = report.result;
  const lines: string[] = [];
  const sized =
    report.sizedBy === "gpus"
      ? "sized by GPU count"
      : report.sizedBy === "budget"
        ? `the most a ${formatUsd(report.budget.usd ?? 0)} budget buys`
        : `the most ${report.budget.megawatts ?? 0} MW of facility power holds`;
  lines.push(`Build-out: ${report.site.displayName} (${sized})`);
  lines.push("");
  lines.push("Bill of materials");
  lines.push(
    renderTable(
      ["item", "count", "note"],
      [
        ["GPUs", count(r.gpus), r.accelerator],
        ["servers", count(r.servers), r.platform],
        ["racks", count(r.racks), `${r.serversPerRack} servers per rack`],
        ...r.network.tierDetail.map((t) => [
          `${t.name} switches (tier ${t.tier})`,
          count(t.switches),
          r.network.switchModel,
        ]),
        ["links", count(r.network.links), `GPU NICs and ${r.network.tiers}-tier Clos`],
        ["optical transceivers", count(r.network.transceivers), r.network.transceiverModel],
        ["storage", `${count(r.storageTerabytes)} TB`, ""],
      ],
      [2],
    ),
  );
  lines.push("");
  lines.push("Fabric: what a GPU sees at each distance");
  lines.push(
    renderTable(
      ["distance", "GPUs within", "switch hops", "switch latency", "bandwidth share"],
      [
        ["NVLink domain", "-", "0", "-", "NVLink"],
        ...r.network.distances.map((d) => [
          d.distance,
          count(d.gpus),
          String(d.switchHops),
          `${(d.switchHops * r.network.switchLatencySeconds * 1e6).toFixed(2)} us`,
          formatPercent(d.bandwidthFraction),
        ]),
      ],
    ),
  );
  lines.push(`  bisection ${(r.network.bisectionGbps / 1e3).toFixed(0)} Tb/s`);
  lines.push("");
  lines.push("Power (MW)");
  const power = r.power;
  lines.push(
    renderTable(
      ["component", "peak", "typical"],
      [
        ...termKeys(POWER_TERMS).map((key) => [
          POWER_TERMS[key].label,
          (power.peakWatts[key] / 1e6).toFixed(2),
          (power.typicalWatts[key] / 1e6).toFixed(2),
        ]),
        [
          `facility (PUE ${power.pue.toFixed(2)})`,
          power.facilityMegawatts.toFixed(2),
          power.typicalFacilityMegawatts.toFixed(2),
        ],
      ],
    ),
  );
  lines.push("");
  lines.push("Cost");
  const capex = r.cost.capexBreakdownUsd;
  lines.push(
    renderTable(
      ["item", "USD", "share"],
      [
        ...termKeys(COST_TERMS).map((key) => [
          COST_TERMS[key].label,
          formatUsd(capex[key]),
          formatPercent(capex[key] / capex.total),
        ]),
        ...termKeys(OPEX_TERMS).map((key) => [
          OPEX_TERMS[key].label,
          formatUsd(r.cost.opexBreakdownUsdPerYear[key]),
          "",
        ]),
        [RESULT_TERMS.capexUsdPerYear.label, formatUsd(r.cost.capexUsdPerYear), ""],
      ],
    ),
  );
  lines.push(
    `  $${r.cost.usdPerGpuHour.toFixed(2)} per GPU-hour (amortized capex plus opex over the hours used)`,
  );
  const used = report.budgetUsed;
  if (used.usd !== undefined || used.megawatts !== undefined) {
    const parts = [
      used.usd !== undefined ? `${formatPercent(used.usd)} of ${formatUsd(report.budget.usd ?? 0)}` : "",
      used.megawatts !== undefined ? `${formatPercent(used.megawatts)} of ${report.budget.megawatts} MW` : "",
    ].filter(Boolean);
    lines.push(`  budget used: ${parts.join(", ")}`);
  }
  if (report.chipsPerYear) {
    const c = report.chipsPerYear;
    lines.push(
      `  ${count(c.chips)} chips a year need ${(c.facilityMegawatts / 1000).toFixed(2)} GW of facility power ` +
        `(${(c.itMegawatts / 1000).toFixed(2)} GW IT) and ${formatUsd(c.capexUsd)} of build-out each year`,
    );
  }
  lines.push("");
  lines.push("Assumptions");
  lines.push(
    renderTable(
      ["what", "value", "source"],
      report.assumptions.map((a) => [a.what, a.value, a.source]),
      [1, 2],
    ),
  );
  return lines.join("\n");
}
