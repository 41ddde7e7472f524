import {
  type BuildoutReport,
  COST_TERMS,
  formatPercent,
  formatQuantity,
  formatUsd,
  GiB,
  layoutLabel,
  MEMORY_TERMS,
  OPEX_TERMS,
  POWER_TERMS,
  planChartSvg,
  RESULT_TERMS,
  RUN_FIGURE_FORMATS,
  RUN_TERMS,
  runChartSvg,
  runPercentiles,
  type ScenarioPlan,
  type ScenarioSummary,
  type SimulationResult,
  STEP_TERMS,
  type SweepRow,
  sweepChartSvg,
  type Term,
  TIGHT_MEMORY_FRACTION,
  termKeys,
  type UncertaintyResult,
  type Variation,
} from "../../src/index.ts";

// The results as HTML. Every number carries a tooltip (title) with its formula or source.

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

const number = (value: number, digits = 1) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits });

/** A table cell: text, and the tooltip that says where its number comes from. */
interface Cell {
  readonly text: string;
  readonly help?: string;
}

/** A figure (right-aligned): a number with at most a short unit, such as 4,096, 49.5%, $6.6 M or -50%. */
const FIGURE = /^[-+$]?\d[\d,.]*(\s?\S{1,3})?$/;

const cell = (text: string, help?: string): Cell => (help === undefined ? { text } : { text, help });

function table(caption: string, header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((c, i) => {
            const tag = i === 0 ? 'th scope="row"' : FIGURE.test(c.text) ? "td" : 'td class="text"';
            const title = c.help ? ` title="${escapeHtml(c.help)}"` : "";
            return `<${tag}${title}>${escapeHtml(c.text)}</${tag.split(" ")[0]}>`;
          })
          .join("")}</tr>`,
    )
    .join("");
  return `<div class="table-wrap"><table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A row of a term's values, each cell explained by the term's help. */
const termRow = (term: Term, values: readonly string[]): Cell[] => [
  cell(term.label, term.help),
  ...values.map((v) => cell(v, term.help)),
];

function chart(label: string, svg: string): string {
  return `<figure class="chart" role="img" aria-label="${escapeHtml(label)}">${svg}</figure>`;
}

function card(term: Term, value: string, extra = ""): string {
  const help = escapeHtml(term.help + extra);
  return `<div class="card" tabindex="0" title="${help}"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(term.label)}</div></div>`;
}

function layoutText(l: ScenarioPlan["plan"]["layout"]): string {
  return `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp}${l.ep > 1 ? ` ep${l.ep}` : ""}`;
}

/** The headline cards: the plan's at once, the run's when the simulation is done. */
export function summaryView(result: ScenarioPlan, run: SimulationResult | undefined): string {
  const { plan: p, buildout } = result;
  const l = p.layout;
  const pending = "…";
  const cards = [
    card(RESULT_TERMS.daysUninterrupted, p.training ? number(p.training.days) : "-"),
    card(RESULT_TERMS.daysWithFailures, run ? number(run.days.p50) : p.training ? pending : "-"),
    card(RESULT_TERMS.goodput, run ? formatPercent(run.goodput.p50) : p.training ? pending : "-"),
    card(RESULT_TERMS.mfu, formatPercent(p.throughput.mfu)),
    card(
      RESULT_TERMS.stepTime,
      `${number(p.step.seconds, 2)} s ±${formatPercent(result.accuracy.meanAbsoluteError, 0)}`,
      result.accuracy.runs > 0
        ? `; the band is the mean error of ${result.accuracy.runs} published runs on ${result.accuracy.stack}`
        : `; no published runs on ${result.accuracy.stack} yet: the band is the error of predicting a stack left out of the fit`,
    ),
    card(
      RESULT_TERMS.memoryPerGpu,
      `${number(p.memory.perGpuBytes.total / GiB)} GiB, ${p.memory.verdict}`,
      ` (capacity ${number(p.memory.capacityBytes / GiB)} GiB; tight above ${formatPercent(TIGHT_MEMORY_FRACTION, 0)}: likely to run out of memory)`,
    ),
    card(RESULT_TERMS.tokensPerSecond, `${number(p.throughput.tokensPerSecond / 1e6, 2)} M`),
    card(
      { label: "layout", help: "the best layout the search found, or the one pinned" },
      layoutText(l),
      `: micro-batch ${l.microBatch}, ${l.virtualStages} virtual stages, ${l.recompute} recompute, ZeRO ${l.zero}`,
    ),
  ];
  if (run) {
    cards.push(
      card(
        { label: "run cost (P50)", help: "wall-clock GPU-hours of the simulated run x $ per GPU-hour" },
        formatUsd(run.costUsd.p50),
        buildout.stated ? " of this build-out" : " of a generic 2025 build-out (no site given)",
      ),
    );
  }
  if (buildout.stated) {
    cards.push(card(RESULT_TERMS.capex, formatUsd(buildout.result.cost.capexUsd)));
    cards.push(card(RESULT_TERMS.usdPerGpuHour, `$${number(buildout.result.cost.usdPerGpuHour, 2)}`));
    cards.push(card(RESULT_TERMS.facilityMegawatts, number(buildout.result.power.facilityMegawatts)));
  }
  return `<div class="cards">${cards.join("")}</div>`;
}

export function planView(result: ScenarioPlan): string {
  const p = result.plan;
  const stepTotal = p.step.breakdown.total;
  const memoryTotal = p.memory.perGpuBytes.total;
  const gib = (bytes: number) => number(bytes / GiB, 2);
  const stepRows = termKeys(STEP_TERMS)
    .filter((term) => term !== "total" && p.step.breakdown[term] > 0)
    .map((term) =>
      termRow(STEP_TERMS[term], [
        number(p.step.breakdown[term], 4),
        formatPercent(p.step.breakdown[term] / stepTotal),
      ]),
    );
  const memoryRows = termKeys(MEMORY_TERMS)
    .filter((term) => term !== "total" && p.memory.perGpuBytes[term] > 0)
    .map((term) =>
      termRow(MEMORY_TERMS[term], [
        gib(p.memory.perGpuBytes[term]),
        formatPercent(p.memory.perGpuBytes[term] / memoryTotal),
      ]),
    );
  const searchHelp = [
    "rank by time per token",
    "the parallel shape",
    STEP_TERMS.total.help,
    RESULT_TERMS.mfu.help,
    RESULT_TERMS.memoryPerGpu.help,
    "the step-time terms this layout loses most on, per step of the best",
  ];
  const top = result.search.top.map((r, i) =>
    [
      String(i + 1),
      layoutLabel(r.plan.layout),
      number(r.plan.step.seconds, 3),
      formatPercent(r.plan.throughput.mfu),
      gib(r.plan.memory.perGpuBytes.total),
      i === 0
        ? "best"
        : r.losesBy.map((d) => `+${number(d.seconds, 3)} s ${STEP_TERMS[d.term].label}`).join(", ") ||
          "ties on time, more memory",
    ].map((text, column) => cell(text, searchHelp[column])),
  );
  return [
    chart(
      "Step time and memory per GPU by term, as bar charts; the same figures are in the tables below",
      planChartSvg(p, document as never),
    ),
    table(
      `Step time by term (bottleneck stage ${p.step.bottleneckStage})`,
      ["term", "seconds", "share"],
      [...stepRows, termRow(STEP_TERMS.total, [number(stepTotal, 4), "100%"])],
    ),
    table(
      `Memory per GPU (stage ${p.memory.stage}, the largest)`,
      ["term", "GiB", "share"],
      [
        ...memoryRows,
        termRow(MEMORY_TERMS.total, [gib(memoryTotal), formatPercent(memoryTotal / p.memory.capacityBytes)]),
      ],
    ),
    table(
      `Layout search: ${number(result.search.evaluated, 0)} layouts evaluated, ${number(result.search.feasible, 0)} fit, in ${number(result.search.seconds * 1000, 0)} ms`,
      ["rank", "layout", "step s", "MFU", "GiB", "loses by"],
      top,
    ),
  ].join("");
}

export function runView(run: SimulationResult): string {
  const mc = ` (Monte Carlo, ${run.trials} trials, seed ${run.seed})`;
  const percentiles = runPercentiles(run);
  const rows = termKeys(RUN_TERMS).map((key) => {
    const p = percentiles[key];
    const show = RUN_FIGURE_FORMATS[key];
    return termRow({ label: RUN_TERMS[key].label, help: RUN_TERMS[key].help + mc }, [
      show(p.p10),
      show(p.p50),
      show(p.p90),
    ]);
  });
  const checkpoint = run.checkpoint;
  const facts = [
    termRow(
      { label: "mean time between interruptions (h)", help: "1 / (GPUs x the mix's rate per GPU-hour)" },
      [number(run.mtbfHours, 2)],
    ),
    termRow(
      {
        label: `checkpoint interval (${checkpoint.method}, min)`,
        help: "fixed, or Young's sqrt(2 x write x MTBF) or Daly's refinement of it",
      },
      [number(checkpoint.intervalSeconds / 60, 1)],
    ),
    termRow({ label: "checkpoint size (GB)", help: "weights + optimizer state (FP32 master copies)" }, [
      number(checkpoint.bytes / 1e9, 0),
    ]),
    termRow(
      { label: "training stalled per checkpoint (s)", help: "write time for sync; the snapshot for async" },
      [number(checkpoint.blockingSeconds, 1)],
    ),
  ];
  return [
    table("The run with failures", ["", "P10", "P50", "P90"], rows),
    table("Failures and checkpoints", ["", "value"], facts),
    chart(
      `Goodput and time to train over ${run.trials} trials, as histograms: goodput P10 ${formatPercent(run.goodput.p10)}, P50 ${formatPercent(run.goodput.p50)}, P90 ${formatPercent(run.goodput.p90)}; days P10 ${number(run.days.p10)}, P50 ${number(run.days.p50)}, P90 ${number(run.days.p90)}`,
      runChartSvg(run, document as never),
    ),
  ].join("");
}

export function buildoutView(report: BuildoutReport): string {
  const b = report.result;
  const mw = (watts: number) => number(watts / 1e6, 2);
  const sized =
    report.sizedBy === "gpus"
      ? "sized by GPU count"
      : report.sizedBy === "budget"
        ? "the most the budget buys"
        : "the most the power envelope holds";
  const bom = [
    termRow({ label: "GPUs", help: `${b.accelerator}, ${sized}; rounded up to whole servers` }, [
      number(b.gpus, 0),
    ]),
    termRow({ label: "servers", help: `${b.platform}: GPUs / GPUs per server` }, [number(b.servers, 0)]),
    termRow({ label: "racks", help: `servers / ${b.serversPerRack} per rack (the rack's kW and U limit)` }, [
      number(b.racks, 0),
    ]),
    ...b.network.tierDetail.map((t) =>
      termRow(
        {
          label: `${t.name} switches`,
          help: `${b.network.switchModel}: tier ${t.tier} of a ${b.network.tiers}-tier Clos, ports / radix`,
        },
        [number(t.switches, 0)],
      ),
    ),
    termRow(
      { label: "optical transceivers", help: `${b.network.transceiverModel}: one per optical link end` },
      [number(b.network.transceivers, 0)],
    ),
  ];
  const powerRows = termKeys(POWER_TERMS).map((key) =>
    termRow(POWER_TERMS[key], [mw(b.power.peakWatts[key]), mw(b.power.typicalWatts[key])]),
  );
  powerRows.push(
    termRow(
      { label: `facility (PUE ${number(b.power.pue, 2)})`, help: RESULT_TERMS.facilityMegawatts.help },
      [number(b.power.facilityMegawatts, 1), number(b.power.typicalFacilityMegawatts, 1)],
    ),
  );
  const capex = b.cost.capexBreakdownUsd;
  const costRows = [
    ...termKeys(COST_TERMS).map((key) => termRow(COST_TERMS[key], [formatUsd(capex[key])])),
    ...termKeys(OPEX_TERMS).map((key) =>
      termRow(OPEX_TERMS[key], [formatUsd(b.cost.opexBreakdownUsdPerYear[key])]),
    ),
    termRow(RESULT_TERMS.capexUsdPerYear, [formatUsd(b.cost.capexUsdPerYear)]),
    termRow(RESULT_TERMS.usdPerGpuHour, [`$${number(b.cost.usdPerGpuHour, 2)}`]),
  ];
  const sources = report.assumptions.map((a) => [
    cell(a.what),
    cell(a.value, a.source),
    cell(a.source, "where the value comes from"),
  ]);
  return [
    `<h2>Build-out: ${escapeHtml(report.site.displayName)} (${sized})</h2>`,
    table("Build-out: bill of materials", ["item", "count"], bom),
    table("Build-out: power (MW)", ["component", "peak", "typical"], powerRows),
    table("Build-out: capex and opex", ["item", "USD"], costRows),
    table("Build-out: assumptions and their sources", ["what", "value", "source"], sources),
  ].join("");
}

export function uncertaintyView(result: UncertaintyResult): string {
  const inputs = result.inputs.map((i) =>
    termRow({ label: i.path, help: "the range or distribution typed in this field" }, [
      formatQuantity(i.p10),
      formatQuantity(i.p50),
      formatQuantity(i.p90),
    ]),
  );
  const outputs = Object.entries(result.outputs).map(([name, p]) => {
    const movers = (result.sensitivity[name] ?? [])
      .filter((s) => s.swing > 0)
      .slice(0, 2)
      .map((s) => `${s.input} (${formatQuantity(s.atP10)} → ${formatQuantity(s.atP90)})`)
      .join("; ");
    const help = `over ${result.samples} samples of all uncertain inputs together (seed ${result.seed})`;
    return [
      cell(name, help),
      cell(formatQuantity(p.p10), help),
      cell(formatQuantity(p.p50), help),
      cell(formatQuantity(p.p90), help),
      cell(movers || "none of them", "each input alone from its P10 to its P90, the others at their medians"),
    ];
  });
  return [
    table(`Uncertain inputs (${result.samples} samples)`, ["input", "P10", "P50", "P90"], inputs),
    table("Results under uncertainty", ["result", "P10", "P50", "P90", "moved most by"], outputs),
  ].join("");
}

export function sweepView(variations: readonly Variation[], rows: readonly SweepRow[]): string {
  const path = variations[0]?.path ?? "";
  const body = rows.map((row) => [
    cell(String(row.values[path]), "the swept value"),
    cell(row.gpus === undefined ? "-" : number(row.gpus, 0), "GPUs planned"),
    cell(row.days === undefined ? "-" : number(row.days), RESULT_TERMS.daysUninterrupted.help),
    cell(row.mfu === undefined ? "-" : formatPercent(row.mfu), RESULT_TERMS.mfu.help),
    cell(row.trainingUsd === undefined ? "-" : formatUsd(row.trainingUsd), RESULT_TERMS.trainingUsd.help),
    cell(row.capexUsd === undefined ? "-" : formatUsd(row.capexUsd), RESULT_TERMS.capex.help),
    cell(row.error ?? ""),
  ]);
  return (
    chart(
      `Time to train and cost against ${path}; the figures are in the table below`,
      sweepChartSvg(rows, variations, document as never),
    ) + table(`Sweep of ${path}`, [path, "GPUs", "days", "MFU", "training cost", "capex", "note"], body)
  );
}

export function compareView(a: ScenarioSummary, b: ScenarioSummary): string {
  const rows = a.metrics.map((metric, i) => {
    const other = b.metrics[i]?.value;
    const change = metric.value && other !== undefined ? `${number((other / metric.value - 1) * 100)}%` : "";
    const help = `${metric.label}: ${metric.better === "neither" ? "" : `${metric.better} is better; `}runs use 200 trials`;
    return [
      cell(metric.label, help),
      cell(metric.value === undefined ? "-" : number(metric.value, 2), help),
      cell(other === undefined ? "-" : number(other, 2), help),
      cell(change, "B / A - 1"),
    ];
  });
  return table(`A: ${a.name} — B: ${b.name}`, ["", "A", "B", "B against A"], rows);
}
