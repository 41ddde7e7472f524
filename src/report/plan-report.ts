import { TIGHT_MEMORY_FRACTION } from "../parallel/memory.ts";
import type { ScenarioPlan } from "../pipeline/plan.ts";
import type { SimulationResult } from "../reliability/simulate.ts";
import { formatGrouped, formatPercent, formatSeconds, GiB, SECONDS_PER_DAY } from "../units.ts";
import { validityWarnings } from "../validation/validity.ts";
import { buildoutReport } from "./buildout-report.ts";
import { type Line, type ReportDocument, row, type Section, type Span, span } from "./document.ts";
import { MEMORY_TERMS, RESULT_TERMS, RUN_TERMS, STEP_TERMS, termKeys } from "./glossary.ts";

function grouped(value: number, digits = 0): string {
  return formatGrouped(value, digits);
}

function scaled(value: number): string {
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units)
    if (Math.abs(value) >= size) return `${(value / size).toFixed(2)} ${suffix}`;
  return value.toFixed(2);
}

function memorySection(result: ScenarioPlan): Section {
  const { memory } = result.plan;
  const verdict: Span =
    memory.verdict === "fits"
      ? span("fits", undefined, "good")
      : memory.verdict === "tight"
        ? span(
            `TIGHT (over ${formatPercent(TIGHT_MEMORY_FRACTION, 0)}: likely to run out of memory)`,
            undefined,
            "bad",
          )
        : span("DOES NOT FIT", undefined, "bad");
  return {
    title: `Memory per GPU (pipeline stage ${memory.stage}, the largest)`,
    table: {
      header: ["term", "GiB", "share"],
      rows: termKeys(MEMORY_TERMS).map((term) =>
        row(
          [
            MEMORY_TERMS[term].label,
            (memory.perGpuBytes[term] / GiB).toFixed(2),
            formatPercent(memory.perGpuBytes[term] / memory.perGpuBytes.total),
          ],
          MEMORY_TERMS[term].help,
        ),
      ),
      help: RESULT_TERMS.memoryPerGpu.help,
    },
    notes: [
      [
        span(`capacity ${(memory.capacityBytes / GiB).toFixed(2)} GiB: `),
        verdict,
        span(
          ` (${formatPercent(memory.perGpuBytes.total / memory.capacityBytes)} used); ${scaled(memory.parametersPerGpu)} parameters on this GPU`,
        ),
      ],
    ],
  };
}

function stepSection(result: ScenarioPlan): Section {
  const { plan } = result;
  const { step } = plan;
  const { partition } = step;
  const stages =
    plan.layout.pp > 1
      ? `; layers per stage: first ${partition.first}, middle up to ${partition.middleMax}, last ${partition.last}`
      : "";
  const band = result.accuracy;
  return {
    title: `Step time (bottleneck pipeline stage ${step.bottleneckStage}${stages})`,
    table: {
      header: ["term", "seconds", "share"],
      rows: termKeys(STEP_TERMS)
        .filter((term) => term === "total" || step.breakdown[term] > 0)
        .map((term) =>
          row(
            [
              STEP_TERMS[term].label,
              step.breakdown[term].toFixed(4),
              formatPercent(step.breakdown[term] / step.seconds),
            ],
            STEP_TERMS[term].help,
          ),
        ),
      help: STEP_TERMS.total.help,
    },
    notes: [
      `error band ±${formatPercent(band.meanAbsoluteError)}: ` +
        (band.runs > 0
          ? `validated on ${band.runs} published runs on ${band.stack}${band.generation ? ` (${band.generation})` : ""} (\`gigacluster validate\`)`
          : `no published runs on ${band.stack} yet; the error of predicting a stack left out of the fit`),
    ],
  };
}

function outcomeLines(result: ScenarioPlan, run: SimulationResult | undefined): Line[] {
  const { throughput, training } = result.plan;
  const lines: Line[] = [
    `Throughput  ${scaled(throughput.tokensPerSecond)} tokens/s; ${throughput.tflopsPerGpu.toFixed(1)} TFLOP/s per GPU; ` +
      `MFU ${formatPercent(throughput.mfu)} (HFU ${formatPercent(throughput.hfu)}) of dense BF16 peak, attention counted ${throughput.attentionFlops}`,
  ];
  if (training) {
    lines.push(
      `Training    ${scaled(training.tokens)} tokens: ${grouped(training.steps)} steps, ${formatSeconds(training.days * SECONDS_PER_DAY)} ` +
        `of uninterrupted compute, ${scaled(training.gpuHours)} GPU-hours`,
    );
  }
  if (run) {
    lines.push([
      span(
        `With failures  P50 ${run.days.p50.toFixed(1)} days (P10 ${run.days.p10.toFixed(1)}, P90 ${run.days.p90.toFixed(1)}), ` +
          `goodput ${formatPercent(run.goodput.p50)}, ${Math.round(run.interruptions.mean)} interruptions, ` +
          `${formatGrouped(Math.round(run.energyMegawattHours.p50))} MWh ` +
          `(Monte Carlo, ${run.trials} trials; \`gigacluster simulate\` for the breakdown)`,
        `${RUN_TERMS.days.help}; ${RUN_TERMS.goodput.help}`,
      ),
    ]);
  }
  return lines;
}

/**
 * The whole plan: setup, memory, step time, throughput and time to train, the search, and the
 * build-out when the scenario states a site or budget (the page draws that in a pane of its own).
 */
export function planReport(
  result: ScenarioPlan,
  run?: SimulationResult,
  withBuildout = result.buildout.stated,
): ReportDocument {
  const { plan, scenario } = result;
  const { layout, step } = plan;
  const active =
    plan.model.activeParameters < plan.model.parameters
      ? ` (${scaled(plan.model.activeParameters)} active per token)`
      : "";
  const setup: Line[] = [
    `Model     ${plan.model.name}: ${scaled(plan.model.parameters)} parameters${active}`,
    `Step      ${grouped(step.tokens)} tokens per step; ${step.microbatches} micro-batches per data-parallel rank`,
    `Layout    tp ${layout.tp} x pp ${layout.pp} x cp ${layout.cp} x dp ${layout.dp} (ep ${layout.ep}); micro-batch ${layout.microBatch}, ` +
      `virtual stages ${layout.virtualStages}, recompute ${layout.recompute}, ZeRO ${layout.zero}, sequence parallel ${layout.sequenceParallel ? "on" : "off"}`,
  ];
  if (result.chosenFields.length > 0)
    setup.push(`          chosen by the search: ${result.chosenFields.join(", ")}`);
  if (result.adjustment) setup.push([span(`Adjusted  ${result.adjustment.reason}`, undefined, "bad")]);
  const warnings = validityWarnings(result, run);
  return {
    sections: [
      {
        title: scenario.name,
        lines: [`${grouped(scenario.gpus)} x ${scenario.accelerator}, software stack ${scenario.stack}`],
      },
      ...(warnings.length > 0
        ? [
            {
              title: "Outside what the model was validated for",
              lines: warnings.map((warning): Line => [span(`! ${warning}`, undefined, "bad")]),
            },
          ]
        : []),
      { lines: setup },
      memorySection(result),
      stepSection(result),
      { lines: outcomeLines(result, run) },
      ...searchReport(result).sections,
      ...(withBuildout ? buildoutReport(result.buildout).sections : []),
    ],
  };
}

export function layoutLabel(layout: ScenarioPlan["plan"]["layout"]): string {
  return (
    `tp${layout.tp} pp${layout.pp} cp${layout.cp} dp${layout.dp}` +
    (layout.ep > 1 ? ` ep${layout.ep}` : "") +
    ` mb${layout.microBatch} v${layout.virtualStages} ${layout.recompute} z${layout.zero}${layout.sequenceParallel ? " sp" : ""}`
  );
}

/** The layout search: how many layouts it tried, the best ones, and what each runner-up loses by. */
export function searchReport(result: ScenarioPlan): ReportDocument {
  const { search } = result;
  const rows = search.top.map((ranked, i) => {
    const { plan } = ranked;
    const why =
      i === 0
        ? "best"
        : ranked.losesBy.length === 0
          ? "ties on time, more memory"
          : ranked.losesBy.map((d) => `+${d.seconds.toFixed(3)} s ${STEP_TERMS[d.term].label}`).join(", ");
    return [
      span(
        `${i + 1}. ${layoutLabel(plan.layout)}`,
        "tensor, pipeline, context, data (and expert) parallel sizes; micro-batch; virtual stages; recompute; ZeRO stage; sequence parallel",
      ),
      span(plan.step.seconds.toFixed(3), STEP_TERMS.total.help),
      span(scaled(plan.throughput.tokensPerSecond), RESULT_TERMS.tokensPerSecond.help),
      span(formatPercent(plan.throughput.mfu), RESULT_TERMS.mfu.help),
      span((plan.memory.perGpuBytes.total / GiB).toFixed(1), RESULT_TERMS.memoryPerGpu.help),
      span(why, "the step-time terms this layout loses most on, per step of the best"),
    ];
  });
  return {
    sections: [
      {
        title:
          `Layout search: ${grouped(search.evaluated)} layouts evaluated, ${grouped(search.feasible)} fit, ` +
          `in ${(search.seconds * 1000).toFixed(0)} ms`,
        table: {
          header: ["layout", "step s", "tokens/s", "MFU", "GiB", "loses by (per step of the best)"],
          rows,
          textColumns: [5],
          help: "the best layouts, ranked by time per token",
        },
      },
    ],
  };
}
