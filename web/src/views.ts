import {
  buildoutPictureSvg,
  growthChartSvg,
  planChartSvg,
  runChartSvg,
  runTimelineSvg,
  serveDemandChartSvg,
  serveFrontierChartSvg,
  sweepChartSvg,
} from "../../src/charts.ts";
import {
  type BuildoutReport,
  budgetUsedText,
  buildoutReport,
  type CalibrationResult,
  calibrationReport,
  compareReport,
  drawHtml,
  escapeHtml,
  formatPercent,
  formatUsd,
  GiB,
  type GrowthReport,
  growthReport,
  planReport,
  RESULT_TERMS,
  type ScenarioPlan,
  type ScenarioSummary,
  type ServeCurves,
  type ServeResult,
  type SimulationResult,
  type SweepRow,
  serveReport,
  simulationReport,
  sizedByText,
  sweepReport,
  type Term,
  TIGHT_MEMORY_FRACTION,
  type TrialTimeline,
  type UncertaintyResult,
  uncertaintyReport,
  type Variation,
} from "../../src/index.ts";

// The results as HTML: the same reports the CLI prints (src/report), drawn as HTML with a tooltip on
// every number, plus the page's own headline cards and charts.

export { escapeHtml };

const number = (value: number, digits = 1) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits });

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

const GPUS_TERM = { label: "GPUs", help: "GPUs in the cluster" };

/** The GPU count and what fixed it (a budget, a power envelope, a site), idle GPUs said. */
function gpusCard(built: BuildoutReport, idle: number): string {
  const used = budgetUsedText(built);
  const idleText = idle > 0 ? ` (${idle.toLocaleString("en-US")} idle)` : "";
  return card(
    GPUS_TERM,
    `${built.result.gpus.toLocaleString("en-US")}${idleText}`,
    `: ${sizedByText(built)}${used ? `; budget used: ${used}` : ""}`,
  );
}

/** The build-out's own cards: what the money or power buys. */
function buildoutCards(built: BuildoutReport): string[] {
  const used = budgetUsedText(built);
  return [
    card(RESULT_TERMS.capex, formatUsd(built.result.cost.capexUsd)),
    card(RESULT_TERMS.usdPerGpuHour, `$${built.result.cost.usdPerGpuHour.toFixed(2)}`),
    card(RESULT_TERMS.facilityMegawatts, number(built.result.power.facilityMegawatts)),
    ...(used
      ? [card({ label: "budget used", help: "capex and facility power against the budget" }, used)]
      : []),
  ];
}

/** The headline cards of a scenario without a model: its build-out alone. */
export function buildoutSummaryView(built: BuildoutReport): string {
  return `<div class="cards">${[gpusCard(built, 0), ...buildoutCards(built)].join("")}</div>`;
}

/** The headline cards: the plan's at once, the run's when the simulation is done. */
export function summaryView(result: ScenarioPlan, run: SimulationResult | undefined): string {
  const { plan: p, buildout } = result;
  const l = p.layout;
  const pending = "…";
  const idle = result.adjustment?.kind === "idle-gpus" ? result.adjustment.idle : 0;
  const cards = [
    gpusCard(buildout, idle),
    card(RESULT_TERMS.daysUninterrupted, p.training ? number(p.training.days) : "-"),
    card(RESULT_TERMS.daysWithFailures, run ? number(run.days.p50) : p.training ? pending : "-"),
    card(RESULT_TERMS.goodput, run ? formatPercent(run.goodput.p50) : p.training ? pending : "-"),
    card(RESULT_TERMS.mfu, formatPercent(p.throughput.mfu)),
    card(
      RESULT_TERMS.stepTime,
      `${number(p.step.seconds, 2)} s ±${formatPercent(result.accuracy.meanAbsoluteError, 0)}`,
      result.accuracy.runs > 0
        ? `; the band is the mean error of ${result.accuracy.runs} published runs on ${result.accuracy.stack}${result.accuracy.generation ? ` (${result.accuracy.generation})` : ""}`
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
        RESULT_TERMS.runUsd,
        formatUsd(run.costUsd.p50),
        buildout.stated ? " of this build-out" : " of a generic 2025 build-out (no site given)",
      ),
    );
  }
  if (buildout.stated) cards.push(...buildoutCards(buildout));
  return `<div class="cards">${cards.join("")}</div>`;
}

/** The plan report (setup, memory, step time, throughput, the search) with its breakdown charts. */
export function planView(result: ScenarioPlan): string {
  return (
    chart(
      "Step time and memory per GPU by term, as bar charts; the same figures are in the tables below",
      planChartSvg(result.plan, document as never),
    ) + drawHtml(planReport(result, undefined, false))
  );
}

const SERVE_TERMS = {
  gpus: { label: "fleet GPUs", help: "GPUs the serving fleet needs at the peak hour" },
  megawatts: {
    label: "facility MW (serving)",
    help: "the fleet's typical draw at the facility, around the clock",
  },
  usdPerMillionTokens: {
    label: "$ per million tokens",
    help: "the fleet's cost per hour over the tokens (input and output) it serves in an hour at the day's mean",
  },
  whPerRequest: {
    label: "Wh per request",
    help: "the fleet's facility energy over the requests it serves at the day's mean",
  },
  ttft: {
    label: "time to first token",
    help: "the wait before the first output token at the targets' percentile, with the peak's queueing (a request alone: in the report)",
  },
  tpot: {
    label: "time per output token",
    help: "the time between output tokens at the targets' percentile, with the peak's load on each replica",
  },
} satisfies Record<string, Term>;

/** The serving plan's headline cards: the fleet, its power, cost and energy, and the replica's latencies. */
export function serveCardsView(result: ServeResult): string {
  const { fleet, cost, energy, replica, slo } = result;
  const replicas = `${fleet.replicas.toLocaleString("en-US")} replicas of ${replica.gpus} GPUs (${replicaText(replica.layout)})`;
  const cards = [
    card(SERVE_TERMS.gpus, fleet.gpus.toLocaleString("en-US"), `: ${replicas}`),
    card(SERVE_TERMS.megawatts, number(fleet.megawatts, 2), ` (${number(fleet.itMegawatts, 2)} MW IT)`),
    card(
      SERVE_TERMS.usdPerMillionTokens,
      `$${cost.usdPerMillionTokens.toFixed(cost.usdPerMillionTokens < 10 ? 3 : 2)}`,
      ` at $${cost.usdPerGpuHour.toFixed(2)} per GPU-hour (${cost.priceFrom === "rental" ? "rental price" : "the build-out's own cost"}); $${cost.usdPerMillionOutputTokens.toFixed(2)} per million output tokens`,
    ),
    card(SERVE_TERMS.whPerRequest, number(energy.whPerRequest, 2)),
    card(
      SERVE_TERMS.ttft,
      `${number(fleet.latency.timeToFirstTokenSeconds, 3)} s`,
      ` at P${number(slo.percentile * 100)}, the peak; target ${slo.ttftSeconds} s (${number(replica.timeToFirstTokenSeconds, 3)} s alone)`,
    ),
    card(
      SERVE_TERMS.tpot,
      `${number(fleet.latency.timePerOutputTokenSeconds * 1000)} ms`,
      `: ${number(1 / fleet.latency.timePerOutputTokenSeconds)} tokens/s per user at P${number(slo.percentile * 100)}, the peak; target ${number(slo.tpotSeconds * 1000)} ms`,
    ),
  ];
  if (result.site) {
    cards.push(
      card(
        { label: "share of the site", help: "the share of the site's GPUs the serving fleet takes" },
        formatPercent(result.site.share),
        `: ${result.site.name}, ${result.site.gpus.toLocaleString("en-US")} GPUs; ${result.site.gpusLeft.toLocaleString("en-US")} left for training`,
      ),
    );
  }
  return `<div class="cards">${cards.join("")}</div>`;
}

const replicaText = (l: ServeResult["replica"]["layout"]) =>
  `tp${l.tp} pp${l.pp}${l.ep > 1 ? ` ep${l.ep}` : ""} batch ${l.batch}`;

/** The serving plan: its two charts and the report the CLI prints (replica, memory, decode step, fleet, cost). */
export function serveView(result: ServeResult, curves: ServeCurves): string {
  const chosen = curves.frontier.find((p) => p.chosen);
  const first = curves.demand[0];
  const last = curves.demand[curves.demand.length - 1];
  return (
    `<div class="serve-charts">` +
    chart(
      `Latency against throughput of ${curves.frontier.length} replica layouts: output tokens per second per GPU against tokens per second per user${
        chosen
          ? `; the chosen ${replicaText(chosen.layout)} serves ${number(chosen.tokensPerSecondPerUser)} tokens/s per user at ${number(chosen.outputTokensPerSecondPerGpu)} tokens/s per GPU`
          : ""
      }`,
      serveFrontierChartSvg(curves, document as never),
    ) +
    chart(
      `Fleet GPUs against daily active users${
        first && last
          ? `: ${first.gpus.toLocaleString("en-US")} GPUs for ${first.users.toLocaleString("en-US")} users to ${last.gpus.toLocaleString("en-US")} for ${last.users.toLocaleString("en-US")}`
          : ""
      }`,
      serveDemandChartSvg(curves, result, document as never),
    ) +
    `</div>` +
    drawHtml(serveReport(result))
  );
}

const GROWTH_TERMS = {
  gpus: { label: "GPUs at the end", help: "GPUs online in the table's last quarter, all generations" },
  megawatts: {
    label: "facility MW at the end",
    help: "the fleet's facility power (IT load times PUE) in the last quarter",
  },
  capex: { label: "cumulative capex", help: "the capex of every phase delivered by the last quarter" },
  pflops: {
    label: "dense PFLOP/s at the end",
    help: "the fleet's peak dense BF16 throughput in the last quarter (GPUs times each chip's peak)",
  },
} satisfies Record<string, Term>;

/** A growth report's headline cards: the fleet in its last quarter, then each run's finish date. */
export function growthCardsView(report: GrowthReport): string {
  const last = report.quarters[report.quarters.length - 1];
  const by = last ? ` (${last.quarter})` : "";
  const cards = last
    ? [
        card(GROWTH_TERMS.gpus, last.gpus.toLocaleString("en-US"), by),
        card(GROWTH_TERMS.megawatts, number(last.facilityMegawatts, 0), by),
        card(GROWTH_TERMS.capex, formatUsd(last.cumulativeCapexUsd), by),
        card(GROWTH_TERMS.pflops, number(last.denseFlops / 1e15, 0), by),
      ]
    : [];
  for (const run of report.runs) {
    const term = {
      label: `${run.name}: finish`,
      help: `the date the run ${run.name} finishes on the cluster online at its start`,
    };
    cards.push(
      run.placed
        ? card(
            term,
            run.finish,
            `: ${run.gpus.toLocaleString("en-US")} ${run.accelerator} from ${run.start}, ${number(run.days)} days at ${formatPercent(run.mfu)} MFU${run.finishesByUntil ? "" : `; not done by ${report.until}`}`,
          )
        : card(term, "not placed", `: ${run.reason}`),
    );
  }
  return `<div class="cards">${cards.join("")}</div>`;
}

/** The growth report: its chart, then the tables the CLI prints (phases, quarters, runs). */
export function growthView(report: GrowthReport): string {
  const last = report.quarters[report.quarters.length - 1];
  return (
    chart(
      `GPUs online by accelerator and facility power, quarter by quarter${
        last
          ? `: ${last.gpus.toLocaleString("en-US")} GPUs and ${number(last.facilityMegawatts, 0)} MW by ${last.quarter}`
          : ""
      }${report.runs.some((r) => r.placed) ? ", and each run from its start to its finish" : ""}; the figures are in the tables below`,
      growthChartSvg(report, document as never),
    ) + drawHtml(growthReport(report))
  );
}

export function runView(run: SimulationResult, timeline: TrialTimeline): string {
  return (
    drawHtml(simulationReport(run)) +
    chart(
      "One simulated trial of the run as a timeline: training, checkpoints, interruptions and restarts",
      runTimelineSvg(timeline),
    ) +
    chart(
      `Goodput and time to train over ${run.trials} trials, as histograms: goodput P10 ${formatPercent(run.goodput.p10)}, P50 ${formatPercent(run.goodput.p50)}, P90 ${formatPercent(run.goodput.p90)}; days P10 ${number(run.days.p10)}, P50 ${number(run.days.p50)}, P90 ${number(run.days.p90)}`,
      runChartSvg(run, document as never),
    )
  );
}

export function buildoutView(report: BuildoutReport): string {
  return (
    chart(
      "The build-out as a picture: the data hall's racks, the fabric's tiers with their switch counts, and the power by component; the figures are in the tables below",
      buildoutPictureSvg(report),
    ) + drawHtml(buildoutReport(report))
  );
}

export function uncertaintyView(result: UncertaintyResult): string {
  return drawHtml(uncertaintyReport(result));
}

export function sweepView(variations: readonly Variation[], rows: readonly SweepRow[]): string {
  const path = variations[0]?.path ?? "";
  // The chart's panels, as sweepChartSvg picks them: training, serving (a serve section) or both.
  const serving = rows.some((r) => r.servingGpus !== undefined);
  const training = !serving || rows.some((r) => r.gpus !== undefined);
  const drawn = !serving
    ? "Time to train and cost"
    : training
      ? "Time to train and cost, and the serving fleet and its $ per million tokens"
      : "The serving fleet and its $ per million tokens";
  return (
    chart(
      `${drawn} against ${path}; the figures are in the table below`,
      sweepChartSvg(rows, variations, document as never),
    ) + drawHtml(sweepReport(rows, variations))
  );
}

export function compareView(a: ScenarioSummary, b: ScenarioSummary): string {
  return drawHtml(compareReport(a, b));
}

/** The file name a stack file downloads as: its name, kept to letters, digits, dots and dashes. */
export function stackFileName(result: CalibrationResult): string {
  const name = (result.section.name ?? `${result.baseStack}-calibrated`).replace(/[^\w.-]+/g, "-");
  return `${name || "stack"}.yaml`;
}

/** A calibration: the fitted stack with what to do with it, then the report (errors, constants, runs). */
export function calibrationView(result: CalibrationResult, stackFileUrl: string): string {
  const name = result.section.name ?? result.baseStack;
  const cv = result.crossValidation;
  const expect = cv
    ? ` Expect about ${formatPercent(cv.meanAbsoluteErrorAfter)} step-time error on runs not measured (cross-validated).`
    : "";
  return (
    `<div class="calibrated"><p>Fitted stack <strong>${escapeHtml(name)}</strong>, based on ${escapeHtml(result.baseStack)}, ` +
    `on ${escapeHtml(result.accelerator)}.${escapeHtml(expect)}</p>` +
    `<div class="buttons"><button type="button" id="calibrate-plan">Plan with this stack</button>` +
    `<a id="calibrate-download" href="${escapeHtml(stackFileUrl)}" download="${escapeHtml(stackFileName(result))}">Download stack file</a>` +
    `<button type="button" id="calibrate-close">Close</button></div></div>` +
    drawHtml(calibrationReport(result))
  );
}
