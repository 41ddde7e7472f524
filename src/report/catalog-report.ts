import { ACCELERATORS } from "../catalog/accelerators.ts";
import { FAILURE_MIXES } from "../catalog/failure-mixes.ts";
import { MODELS } from "../catalog/models.ts";
import { NETWORK_GEAR } from "../catalog/network-gear.ts";
import { PLATFORMS } from "../catalog/platforms.ts";
import { SITES } from "../catalog/sites.ts";
import { STACKS } from "../catalog/stacks.ts";
import { parameterCounts } from "../model/transformer.ts";
import { formatNumber, GiB } from "../units.ts";
import type { CatalogSection } from "./catalog-sections.ts";
import { type ReportDocument, row } from "./document.ts";

export { CATALOG_SECTIONS, type CatalogSection } from "./catalog-sections.ts";

export interface CatalogListing {
  readonly section: CatalogSection;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** The full entries, for --json. */
  readonly entries: readonly unknown[];
}

const billions = (n: number) => `${(n / 1e9).toFixed(1)} B`;

export function catalogListing(section: CatalogSection): CatalogListing {
  switch (section) {
    case "accelerators":
      return {
        section,
        header: [
          "name",
          "BF16 dense TF",
          "FP8 dense TF",
          // GiB as the memory model counts it (an "80 GB" H100 has 79.2 GiB usable, torch.cuda total_memory).
          "HBM GiB",
          "HBM TB/s",
          "TDP W",
          "NVLink domain",
          "NIC Gb/s",
          "source",
        ],
        rows: ACCELERATORS.map((a) => [
          a.name,
          (a.bf16DenseFlops / 1e12).toFixed(0),
          a.fp8DenseFlops ? (a.fp8DenseFlops / 1e12).toFixed(0) : "-",
          (a.hbmBytes / GiB).toFixed(1),
          (a.hbmBytesPerSecond / 1e12).toFixed(2),
          String(a.tdpWatts),
          String(a.scaleUpDomainGpus),
          String(a.scaleOutGbps),
          a.sources.bf16DenseFlops.ref,
        ]),
        entries: ACCELERATORS,
      };
    case "models":
      return {
        section,
        header: ["name", "parameters", "active", "layers", "hidden", "heads/kv", "MoE", "source"],
        rows: MODELS.map((m) => {
          const counts = parameterCounts(m);
          return [
            m.name,
            billions(counts.total),
            billions(counts.active),
            String(m.layers),
            String(m.hidden),
            `${m.heads}/${m.kvHeads}`,
            m.moe ? `${m.moe.experts} x top-${m.moe.expertsPerToken}` : "-",
            m.source.ref,
          ];
        }),
        entries: MODELS,
      };
    case "sites":
      return {
        section,
        header: ["name", "what", "accelerator", "GPUs", "MW", "network", "PUE"],
        rows: SITES.map((s) => [
          s.name,
          s.displayName,
          s.accelerator ?? "-",
          s.gpus === undefined ? "-" : formatNumber(s.gpus),
          s.powerMegawatts?.toString() ?? "-",
          s.network,
          s.pue.toFixed(2),
        ]),
        entries: SITES,
      };
    case "platforms":
      return {
        section,
        header: ["name", "GPUs", "max kW", "price", "cooling", "source"],
        rows: PLATFORMS.map((p) => [
          p.name,
          String(p.gpusPerServer),
          (p.serverMaxWatts / 1000).toFixed(1),
          `$${(p.priceUsd / 1000).toFixed(0)}k`,
          p.cooling,
          p.sources.serverMaxWatts?.ref ?? "",
        ]),
        entries: PLATFORMS,
      };
    case "network":
      return {
        section,
        header: ["name", "switch", "ports x Gb/s", "W", "price", "source"],
        rows: NETWORK_GEAR.map((g) => [
          g.name,
          g.switch.name,
          `${g.switch.ports} x ${g.switch.portGbps}`,
          String(g.switch.watts),
          `$${(g.switch.priceUsd / 1000).toFixed(0)}k`,
          g.switch.sources.ports?.ref ?? "",
        ]),
        entries: NETWORK_GEAR,
      };
    case "failures":
      return {
        section,
        header: ["name", "interruptions per 1,000 GPU-days", "planned per day", "source"],
        rows: FAILURE_MIXES.map((f) => [
          f.name,
          (f.causes.reduce((sum, c) => sum + c.ratePerGpuHour, 0) * 24 * 1000).toFixed(2),
          f.plannedPerDay.toFixed(2),
          f.source.ref,
        ]),
        entries: FAILURE_MIXES,
      };
    case "stacks":
      return {
        section,
        header: ["name", "also called", "description"],
        rows: STACKS.map((s) => [s.name, s.aliases.join(", "), s.description]),
        entries: STACKS,
      };
  }
}

export function catalogReport(listing: CatalogListing): ReportDocument {
  const textColumns = listing.header
    .map((_, i) => i)
    .filter(
      (i) =>
        i > 0 &&
        /source|what|description|also called|network|switch|cooling|MoE/.test(listing.header[i] ?? ""),
    );
  return {
    sections: [
      {
        title: listing.section,
        table: {
          header: listing.header,
          rows: listing.rows.map((cells) => row(cells)),
          textColumns,
          help: `the ${listing.section} catalog`,
        },
      },
    ],
  };
}
