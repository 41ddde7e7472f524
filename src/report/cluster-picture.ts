import type { BuildoutReport } from "../pipeline/buildout.ts";
import { formatGrouped, formatUsd } from "../units.ts";
import { charsIn, count, frame, INK, MUTED, n, rect, text, wrap } from "./svg.ts";

// The build-out as a picture: the data hall as rows of racks, the fabric's tiers with their switch
// counts, and the power by component as one bar. Plain SVG strings, so it draws the same in Node and in
// a page, and scales to any width (viewBox, width 100%).

const WIDTH = 600;
const MARGIN = 20;
const PLOT = WIDTH - 2 * MARGIN;

/** Squares in the data hall at most: more racks, and each square stands for a block of them. */
export const MAX_RACK_SQUARES = 300;

/** Racks per square: 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, ... the fewest that fit. */
export function racksPerSquare(racks: number): number {
  for (let scale = 1; ; scale *= 10) {
    for (const step of scale === 1 ? [1, 2, 5] : [1, 2, 2.5, 5]) {
      const per = step * scale;
      if (Math.ceil(racks / per) <= MAX_RACK_SQUARES) return per;
    }
  }
}

const RACK = "#3b6ea5";
const RACK_ALT = "#86acd9";

/** The power components, left to right in the bar. */
const POWER_PARTS = [
  { key: "gpus", label: "GPUs", colour: "#4c78a8" },
  { key: "serverOther", label: "servers' other parts (CPUs, memory, NICs, fans)", colour: "#72b7b2" },
  { key: "switches", label: "network switches", colour: "#54a24b" },
  { key: "optics", label: "optical transceivers", colour: "#eeca3b" },
  { key: "storage", label: "storage", colour: "#b279a2" },
] as const;
const OVERHEAD_COLOUR = "#bab0ac";

/** One unit for the whole bar, so the labels add up: MW (kW below 1 MW). */
function powerFormat(totalWatts: number): (watts: number) => string {
  const fixed = (value: number, digits: number) => formatGrouped(value, digits);
  if (totalWatts >= 100e6) return (w) => `${fixed(w / 1e6, 1)} MW`;
  if (totalWatts >= 1e6) return (w) => `${fixed(w / 1e6, 2)} MW`;
  return (w) => `${fixed(w / 1e3, 1)} kW`;
}

/** An oversubscription ratio as a reader says it. */
function ratio(oversubscription: number): string {
  if (oversubscription <= 1.0001) return "1:1, non-blocking";
  const rounded = Math.abs(oversubscription - Math.round(oversubscription)) < 0.05;
  return `${rounded ? Math.round(oversubscription) : oversubscription.toFixed(1)}:1 oversubscribed`;
}

function sizedBy(report: BuildoutReport): string {
  if (report.sizedBy === "gpus") return "";
  return report.sizedBy === "budget"
    ? `, the most a ${formatUsd(report.budget.usd ?? 0)} budget buys`
    : `, the most ${report.budget.megawatts ?? 0} MW of facility power holds`;
}

interface Drawn {
  readonly svg: string;
  readonly height: number;
}

function heading(y: number, content: string): Drawn {
  const lines = wrap(content, charsIn(PLOT, 16));
  return {
    svg: lines.map((line, i) => text(MARGIN, y + 16 + i * 21, line, { size: 16, weight: "bold" })).join(""),
    height: lines.length * 21 + 4,
  };
}

function paragraph(y: number, content: string, size = 14, fill = MUTED): Drawn {
  const lines = wrap(content, charsIn(PLOT, size));
  const step = Math.round(size * 1.35);
  return {
    svg: lines.map((line, i) => text(MARGIN, y + size + i * step, line, { size, fill })).join(""),
    height: lines.length * step + 4,
  };
}

/** The data hall: racks as squares in pairs of rows with an aisle between pairs. */
function dataHall(report: BuildoutReport, top: number): Drawn {
  const r = report.result;
  const per = racksPerSquare(r.racks);
  const squares = Math.ceil(r.racks / per);
  const partial = r.racks - (squares - 1) * per;
  const gpusPerRack = (r.serversPerRack * r.gpus) / Math.max(1, r.servers);
  const peak = r.power.peakWatts;
  const rackKw = (peak.gpus + peak.serverOther) / Math.max(1, r.racks) / 1e3;
  const parts: string[] = [];
  let y = top;
  const head = heading(y, `Data hall: ${count(r.racks)} racks`);
  parts.push(head.svg);
  y += head.height + 4;

  // The legend: what one square is.
  parts.push(rect(MARGIN, y + 2, 14, 14, RACK));
  const unit =
    per === 1
      ? `= 1 rack: ${count(r.serversPerRack)} servers, ${count(gpusPerRack)} GPUs, ${rackKw.toFixed(1)} kW at peak`
      : `1 square = ${count(per)} racks (${count(per * r.serversPerRack)} servers, ${count(per * gpusPerRack)} GPUs)`;
  const legend = wrap(unit, charsIn(PLOT - 22, 14));
  legend.forEach((line, i) => {
    parts.push(text(MARGIN + 22, y + 14 + i * 19, line, { size: 14 }));
  });
  y += legend.length * 19 + 2;
  const notes: string[] = [];
  if (per > 1)
    notes.push(
      `a rack: ${count(r.serversPerRack)} servers, ${count(gpusPerRack)} GPUs, ${rackKw.toFixed(1)} kW at peak` +
        (partial < per
          ? `; the last square holds ${count(partial)} ${partial === 1 ? "rack" : "racks"}`
          : ""),
    );
  // Shading by pod shows how the racks group under the fabric's spines (where a pod fills a few squares).
  const podRacks = r.network.tiers >= 3 ? r.network.podGpus / Math.max(1, gpusPerRack) : 0;
  const shadePods = podRacks >= 3 * per && r.network.podGpus < r.gpus;
  if (shadePods)
    notes.push(
      `shades alternate by fabric pod: ${count(r.network.podGpus)} GPUs, about ${count(podRacks)} racks each`,
    );
  if (notes.length > 0) {
    const note = paragraph(y, `${notes.join("; ")}.`, 13);
    parts.push(note.svg);
    y += note.height;
  }
  y += 6;

  // Pairs of rows back to back, an aisle between pairs.
  const cols = Math.min(squares, 25);
  const gap = 3;
  const aisle = 10;
  const size = Math.min(28, Math.floor((PLOT - (cols - 1) * gap) / cols));
  const rows = Math.ceil(squares / cols);
  for (let i = 0; i < squares; i++) {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const x = MARGIN + col * (size + gap);
    const sy = y + row * (size + gap) + Math.floor(row / 2) * (aisle - gap);
    const pod = shadePods ? Math.floor((i * per) / podRacks) : 0;
    const fill = pod % 2 === 0 ? RACK : RACK_ALT;
    if (i === squares - 1 && partial < per) {
      parts.push(
        rect(
          x + 0.5,
          sy + 0.5,
          size - 1,
          size - 1,
          "white",
          `class="rack" stroke="${fill}" stroke-width="1"`,
        ),
      );
      const h = (size - 1) * (partial / per);
      parts.push(rect(x + 0.5, sy + 0.5 + (size - 1) - h, size - 1, h, fill));
    } else parts.push(rect(x, sy, size, size, fill, `class="rack" rx="2"`));
  }
  const height = rows * (size + gap) + Math.floor((rows - 1) / 2) * (aisle - gap);
  y += height + 8;
  return { svg: parts.join(""), height: y - top };
}

/** The fabric: tiers as bands (width by switch count), the links and oversubscription between them. */
function fabric(report: BuildoutReport, top: number): Drawn {
  const net = report.result.network;
  const parts: string[] = [];
  let y = top;
  const head = heading(
    y,
    `Network fabric: ${net.tiers}-tier folded Clos, ${count(net.switches)} switches (${net.switchModel})`,
  );
  parts.push(head.svg);
  y += head.height + 6;

  const fractions = net.distances.map((d) => d.bandwidthFraction);
  const podFraction = net.distances.find((d) => d.distance === "pod")?.bandwidthFraction ?? 1;
  const clusterFraction = fractions[fractions.length - 1] ?? 1;
  const portGbps = (net.bisectionGbps * 2) / Math.max(1, net.endpoints * clusterFraction);
  const leafGpus = net.distances.find((d) => d.distance === "leaf")?.gpus ?? net.endpoints;
  const bandArea = 340;
  const centre = MARGIN + bandArea / 2;
  const noteX = MARGIN + bandArea + 14;
  const bandHeight = 30;
  const linkHeight = 44;
  const maxSwitches = Math.max(1, ...net.tierDetail.map((t) => t.switches));
  const tiers = [...net.tierDetail].reverse();
  const bands: { label: string; width: number; colour: string; note?: string }[] = tiers.map((t) => ({
    label: `${t.name}: ${count(t.switches)} switches`,
    width: Math.max(200, (bandArea * t.switches) / maxSwitches),
    colour: t.name === "core" ? "#2f4b7c" : t.name === "spine" ? "#4c78a8" : "#6f9bd1",
    ...(t.name === "spine" && net.tiers >= 3 ? { note: `pods of ${count(net.podGpus)} GPUs` } : {}),
  }));
  const gpus = report.result.gpus;
  bands.push({
    label:
      net.endpoints === gpus
        ? `${count(gpus)} GPUs, one NIC link each`
        : `${count(gpus)} GPUs, ${count(net.endpoints)} NIC links`,
    width: bandArea,
    colour: "#8a9aa9",
  });
  // What runs between band i and band i + 1 (from the top).
  const between = tiers.map((_tier, i) => {
    const below = tiers[i + 1];
    if (!below) {
      return [
        `${count(net.endpoints)} links at ${Math.round(portGbps)} Gb/s`,
        `${count(leafGpus)} GPU links per leaf`,
      ];
    }
    const links = below.uplinks;
    const over = below.name === "leaf" ? 1 / podFraction : podFraction / clusterFraction;
    return [`${count(links)} links`, ratio(over)];
  });
  bands.forEach((band, i) => {
    const x = centre - band.width / 2;
    parts.push(rect(x, y, band.width, bandHeight, band.colour, `rx="4"`));
    parts.push(
      text(centre, y + bandHeight / 2 + 5, band.label, { size: 14, anchor: "middle", fill: "white" }),
    );
    if (band.note) parts.push(text(noteX, y + bandHeight / 2 + 5, band.note, { size: 13, fill: MUTED }));
    y += bandHeight;
    const next = bands[i + 1];
    const notes = between[i];
    if (!next || !notes) return;
    // The links: a light trapezoid and a mesh of lines from each band to the one below.
    const x0 = centre - band.width / 2;
    const x1 = centre + band.width / 2;
    const y1 = y + linkHeight;
    const nx0 = centre - next.width / 2;
    const nx1 = centre + next.width / 2;
    parts.push(
      `<polygon points="${n(x0)},${n(y)} ${n(x1)},${n(y)} ${n(nx1)},${n(y1)} ${n(nx0)},${n(y1)}" fill="#eef1f4"/>`,
    );
    const lines: string[] = [];
    const ends = 7;
    for (let a = 0; a < ends; a++) {
      for (let b = 0; b < ends; b++) {
        const ax = x0 + ((a + 0.5) * (x1 - x0)) / ends;
        const bx = nx0 + ((b + 0.5) * (nx1 - nx0)) / ends;
        lines.push(`M${n(ax)} ${n(y)}L${n(bx)} ${n(y1)}`);
      }
    }
    parts.push(`<path d="${lines.join("")}" stroke="#9aa5b1" stroke-width="0.6" fill="none"/>`);
    notes.forEach((line, k) => {
      parts.push(
        text(noteX, y + linkHeight / 2 - 2 + k * 17, line, { size: 13, fill: k === 0 ? INK : MUTED }),
      );
    });
    y = y1;
  });
  y += 8;
  const foot = paragraph(
    y,
    `bisection ${count(net.bisectionGbps / 1e3)} Tb/s; ${count(net.transceivers)} optical transceivers (${net.transceiverModel}); ${count(net.links)} links in all`,
    13,
  );
  parts.push(foot.svg);
  y += foot.height + 4;
  return { svg: parts.join(""), height: y - top };
}

/** The power at peak by component, cooling and losses (PUE) included, as one stacked bar. */
function power(report: BuildoutReport, top: number): Drawn {
  const p = report.result.power;
  const peak = p.peakWatts;
  const facilityWatts = p.facilityMegawatts * 1e6;
  const format = powerFormat(facilityWatts);
  const parts: string[] = [];
  let y = top;
  const head = heading(
    y,
    `Power at peak: ${format(facilityWatts)} (IT ${format(peak.total)} × PUE ${p.pue.toFixed(2)})`,
  );
  parts.push(head.svg);
  y += head.height + 6;
  const items = [
    ...POWER_PARTS.map((part) => ({
      key: part.key,
      label: part.label,
      colour: part.colour,
      watts: peak[part.key],
    })),
    {
      key: "overhead",
      label: `cooling and power losses (PUE ${p.pue.toFixed(2)})`,
      colour: OVERHEAD_COLOUR,
      watts: Math.max(0, facilityWatts - peak.total),
    },
  ];
  const barHeight = 40;
  let x = MARGIN;
  for (const item of items) {
    const width = facilityWatts > 0 ? (PLOT * item.watts) / facilityWatts : 0;
    if (width <= 0) continue;
    parts.push(rect(x, y, width, barHeight, item.colour));
    const label = format(item.watts);
    if (width >= label.length * 7.5 + 8) {
      parts.push(
        text(x + width / 2, y + barHeight / 2 + 5, label, {
          size: 13,
          anchor: "middle",
          fill: item.colour === "#eeca3b" || item.colour === OVERHEAD_COLOUR ? INK : "white",
        }),
      );
    }
    x += width;
  }
  parts.push(rect(MARGIN, y, PLOT, barHeight, "none", `stroke="${INK}" stroke-width="0.5"`));
  y += barHeight + 12;
  // The legend, a row a component: swatch, name, power, share.
  const row = 22;
  const share = (watts: number) => `${((100 * watts) / Math.max(1e-9, facilityWatts)).toFixed(1)}%`;
  const labelChars = charsIn(PLOT - 22 - 150, 14);
  for (const item of items) {
    parts.push(rect(MARGIN, y + 3, 14, 14, item.colour));
    const label = item.label.length > labelChars ? `${item.label.slice(0, labelChars - 1)}…` : item.label;
    parts.push(text(MARGIN + 22, y + 15, label, { size: 14 }));
    parts.push(
      text(MARGIN + PLOT - 60, y + 15, format(item.watts), {
        size: 14,
        anchor: "end",
        attributes: `data-power="${item.key}"`,
      }),
    );
    parts.push(text(MARGIN + PLOT, y + 15, share(item.watts), { size: 14, anchor: "end", fill: MUTED }));
    y += row;
  }
  parts.push(
    `<line x1="${MARGIN}" x2="${MARGIN + PLOT}" y1="${n(y + 2)}" y2="${n(y + 2)}" stroke="${INK}" stroke-width="0.5"/>`,
  );
  parts.push(text(MARGIN + 22, y + 19, "facility total", { size: 14, weight: "bold" }));
  parts.push(
    text(MARGIN + PLOT - 60, y + 19, format(facilityWatts), {
      size: 14,
      weight: "bold",
      anchor: "end",
      attributes: `data-power="facility"`,
    }),
  );
  y += row + 8;
  const typical = paragraph(
    y,
    `In training the cluster draws about ${format(p.typicalFacilityMegawatts * 1e6)} (GPUs below their TDP).`,
    13,
  );
  parts.push(typical.svg);
  y += typical.height;
  return { svg: parts.join(""), height: y - top };
}

/**
 * The build-out as one picture: the data hall as rows of racks (blocks of racks past a few hundred),
 * the fabric's tiers with their switch counts, links and oversubscription, and the power at peak by
 * component as a stacked bar. An SVG string that scales to its container (viewBox, width 100%); every
 * name from the scenario is escaped.
 */
export function buildoutPictureSvg(report: BuildoutReport): string {
  const r = report.result;
  const parts: string[] = [];
  let y = 14;
  const title = `Build-out: ${report.site.displayName}`;
  for (const line of wrap(title, charsIn(PLOT, 20))) {
    parts.push(text(MARGIN, y + 20, line, { size: 20, weight: "bold" }));
    y += 26;
  }
  const summary = paragraph(
    y,
    `${count(r.gpus)} ${r.accelerator} GPUs in ${count(r.servers)} servers (${r.platform}), ` +
      `${count(r.racks)} racks; ${powerFormat(r.power.facilityMegawatts * 1e6)(r.power.facilityMegawatts * 1e6)} ` +
      `of facility power at peak; ${formatUsd(r.cost.capexUsd)} to build${sizedBy(report)}.`,
  );
  parts.push(summary.svg);
  y += summary.height + 10;
  for (const section of [dataHall, fabric, power]) {
    const drawn = section(report, y);
    parts.push(drawn.svg);
    y += drawn.height + 14;
  }
  return frame(WIDTH, y, `${title}: racks, fabric and power`, parts.join(""));
}
