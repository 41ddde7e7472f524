import { TIGHT_MEMORY_FRACTION } from "../parallel/memory.ts";
import type { ScenarioPlan } from "../pipeline/plan.ts";
import type { SimulationResult } from "../reliability/simulate.ts";
import { formatPercent, formatSeconds, GiB, SECONDS_PER_DAY } from "../units.ts";
import { renderBuildoutText } from "./buildout-text.ts";
import { MEMORY_TERMS, STEP_TERMS, termKeys } from "./glossary.ts";
import { paint } from "./style.ts";
import { renderTable } from "./table.ts";

function grouped(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
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

export function renderPlanText(result: ScenarioPlan, run?: SimulationResult): string {
  const { plan, scenario } = result;
  const { layout, memory, step, throughput } = plan;
  const lines: string[] = [];
  lines.push(`${scenario.name}`);
  lines.push(`${grouped(scenario.gpus)} x ${scenario.accelerator}, software stack ${scenario.stack}`);
  lines.push("");
  const active =
    plan.model.activeParameters < plan.model.parameters
      ? ` (${scaled(plan.model.activeParameters)} active per token)`
      : "";
  lines.push(`Model     ${plan.model.name}: ${scaled(plan.model.parameters)} parameters${active}`);
  lines.push(
    `Step      ${grouped(step.tokens)} tokens per step; ${step.microbatches} micro-batches per data-parallel rank`,
  );
  lines.push(
    `Layout    tp ${layout.tp} x pp ${layout.pp} x cp ${layout.cp} x dp ${layout.dp} (ep ${layout.ep}); micro-batch ${layout.microBatch}, ` +
      `virtual stages ${layout.virtualStages}, recompute ${layout.recompute}, ZeRO ${layout.zero}, sequence parallel ${layout.sequenceParallel ? "on" : "off"}`,
  );
  if (result.chosenFields.length > 0)
    lines.push(`          chosen by the search: ${result.chosenFields.join(", ")}`);
  lines.push("");

  const memoryRows = termKeys(MEMORY_TERMS).map((term) => [
    MEMORY_TERMS[term].label,
    (memory.perGpuBytes[term] / GiB).toFixed(2),
    formatPercent(memory.perGpuBytes[term] / memory.perGpuBytes.total),
  ]);
  lines.push(`Memory per GPU (pipeline stage ${memory.stage}, the largest)`);
  lines.push(renderTable(["term", "GiB", "share"], memoryRows));
  const verdict =
    memory.verdict === "fits"
      ? paint("fits", "green")
      : memory.verdict === "tight"
        ? paint(`TIGHT (over ${formatPercent(TIGHT_MEMORY_FRACTION, 0)}: likely to run out of memory)`, "red")
        : paint("DOES NOT FIT", "red");
  lines.push(
    `  capacity ${(memory.capacityBytes / GiB).toFixed(2)} GiB: ${verdict} ` +
      `(${formatPercent(memory.perGpuBytes.total / memory.capacityBytes)} used); ${scaled(memory.parametersPerGpu)} parameters on this GPU`,
  );
  lines.push("");

  const stepRows = termKeys(STEP_TERMS)
    .filter((term) => term === "total" || step.breakdown[term] > 0)
    .map((term) => [
      STEP_TERMS[term].label,
      step.breakdown[term].toFixed(4),
      formatPercent(step.breakdown[term] / step.seconds),
    ]);
  const { partition } = step;
  const stages =
    plan.layout.pp > 1
      ? `; layers per stage: first ${partition.first}, middle up to ${partition.middleMax}, last ${partition.last}`
      : "";
  lines.push(`Step time (bottleneck pipeline stage ${step.bottleneckStage}${stages})`);
  lines.push(renderTable(["term", "seconds", "share"], stepRows));
  const band = result.accuracy;
  lines.push(
    `  error band ±${formatPercent(band.meanAbsoluteError)}: ` +
      (band.runs > 0
        ? `validated on ${band.runs} published runs on ${band.stack} (\`gigacluster validate\`)`
        : `no published runs on ${band.stack} yet; the error of predicting a stack left out of the fit`),
  );
  lines.push("");

  lines.push(
    `Throughput  ${scaled(throughput.tokensPerSecond)} tokens/s; ${throughput.tflopsPerGpu.toFixed(1)} TFLOP/s per GPU; ` +
      `MFU ${formatPercent(throughput.mfu)} (HFU ${formatPercent(throughput.hfu)}) of dense BF16 peak, attention counted ${throughput.attentionFlops}`,
  );
  if (plan.training) {
    const t = plan.training;
    lines.push(
      `Training    ${scaled(t.tokens)} tokens: ${grouped(t.steps)} steps, ${formatSeconds(t.days * SECONDS_PER_DAY)} ` +
        `of uninterrupted compute, ${scaled(t.gpuHours)} GPU-hours`,
    );
  }
  if (run) {
    lines.push(
      `With failures  P50 ${run.days.p50.toFixed(1)} days (P10 ${run.days.p10.toFixed(1)}, P90 ${run.days.p90.toFixed(1)}), ` +
        `goodput ${formatPercent(run.goodput.p50)}, ${Math.round(run.interruptions.mean)} interruptions, ` +
        `${Math.round(run.energyMegawattHours.p50).toLocaleString("en-US")} MWh ` +
        `(Monte Carlo, ${run.trials} trials; \`gigacluster simulate\` for the breakdown)`,
    );
  }
  lines.push("");
  lines.push(renderSearchText(result));
  if (result.buildout.stated) {
    lines.push("");
    lines.push(renderBuildoutText(result.buildout));
  }
  return lines.join("\n");
}

export function layoutLabel(layout: ScenarioPlan["plan"]["layout"]): string {
  return (
    `tp${layout.tp} pp${layout.pp} cp${layout.cp} dp${layout.dp}` +
    (layout.ep > 1 ? ` ep${layout.ep}` : "") +
    ` mb${layout.microBatch} v${layout.virtualStages} ${layout.recompute} z${layout.zero}${layout.sequenceParallel ? " sp" : ""}`
  );
}

export function renderSearchText(result: ScenarioPlan): string {
  const { search } = result;
  const lines = [
    `Layout search: ${grouped(search.evaluated)} layouts evaluated, ${grouped(search.feasible)} fit, ` +
      `in ${(search.seconds * 1000).toFixed(0)} ms`,
  ];
  const rows = search.top.map((ranked, i) => {
    const { plan } = ranked;
    const why =
      i === 0
        ? "best"
        : ranked.losesBy.length === 0
          ? "ties on time, more memory"
          : ranked.losesBy.map((d) => `+${d.seconds.toFixed(3)} s ${STEP_TERMS[d.term].label}`).join(", ");
    return [
      `${i + 1}. ${layoutLabel(plan.layout)}`,
      plan.step.seconds.toFixed(3),
      scaled(plan.throughput.tokensPerSecond),
      formatPercent(plan.throughput.mfu),
      (plan.memory.perGpuBytes.total / GiB).toFixed(1),
      why,
    ];
  });
  lines.push(
    renderTable(["layout", "step s", "tokens/s", "MFU", "GiB", "loses by (per step of the best)"], rows, [5]),
  );
  return lines.join("\n");
}
