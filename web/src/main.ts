import { stringify } from "yaml";
import { ACCELERATORS } from "../../src/catalog/accelerators.ts";
import { FAILURE_MIXES } from "../../src/catalog/failure-mixes.ts";
import { MODELS } from "../../src/catalog/models.ts";
import { SITES } from "../../src/catalog/sites.ts";
import type { BuildoutResult } from "../../src/facility/buildout.ts";
import type { SimulationResult } from "../../src/reliability/simulate.ts";
import { goodputChartSvg, planChartSvg, sweepChartSvg } from "../../src/report/charts.ts";
import type { ScenarioSummary } from "../../src/scenario/compare.ts";
import { parseScenarioText } from "../../src/scenario/normalize.ts";
import type { ScenarioPlan } from "../../src/scenario/plan-scenario.ts";
import type { SweepRow, Variation } from "../../src/scenario/sweep.ts";

// The page: a form whose state lives in the URL, a worker that plans it, and the results drawn.

interface FormState {
  model: string;
  sequenceLength: number;
  globalBatchTokens: number;
  tokens: string;
  precision: string;
  accelerator: string;
  gpus: number;
  site: string;
  tp: string;
  pp: string;
  headroom: string;
  reliability: string;
  restartMinutes: number;
  checkpoint: string;
  trials: number;
}

const DEFAULTS: FormState = {
  model: "llama-3-70b",
  sequenceLength: 8192,
  globalBatchTokens: 16777216,
  tokens: "15e12",
  precision: "bf16",
  accelerator: "h100-sxm",
  gpus: 4096,
  site: "",
  tp: "",
  pp: "",
  headroom: "0",
  reliability: "llama-3",
  restartMinutes: 10,
  checkpoint: "sync",
  trials: 300,
};

const FIELD_PATHS: Record<string, keyof FormState> = {
  model: "model",
  "training.sequenceLength": "sequenceLength",
  "training.globalBatchTokens": "globalBatchTokens",
  "training.tokens": "tokens",
  "training.precision": "precision",
  "cluster.accelerator": "accelerator",
  "cluster.gpus": "gpus",
  site: "site",
  "layout.tp": "tp",
  "layout.pp": "pp",
  "search.memoryHeadroomGiB": "headroom",
  reliability: "reliability",
  "reliability.preset": "reliability",
  "reliability.restartMinutes": "restartMinutes",
  "simulation.trials": "trials",
};

const form = document.querySelector("#scenario") as HTMLFormElement;
const input = (name: keyof FormState) =>
  form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

function fillSelect(name: keyof FormState, values: readonly string[]): void {
  const select = input(name) as HTMLSelectElement;
  for (const value of values) select.add(new Option(value, value));
}
fillSelect(
  "model",
  MODELS.map((m) => m.name),
);
fillSelect(
  "accelerator",
  ACCELERATORS.map((a) => a.name),
);
fillSelect(
  "site",
  SITES.filter((s) => s.gpus !== undefined || s.name === "generic-2025").map((s) => s.name),
);
fillSelect(
  "reliability",
  FAILURE_MIXES.map((f) => f.name),
);

function readForm(): FormState {
  const value = (name: keyof FormState) => input(name).value;
  return {
    model: value("model"),
    sequenceLength: Number(value("sequenceLength")),
    globalBatchTokens: Number(value("globalBatchTokens")),
    tokens: value("tokens"),
    precision: value("precision"),
    accelerator: value("accelerator"),
    gpus: Number(value("gpus")),
    site: value("site"),
    tp: value("tp"),
    pp: value("pp"),
    headroom: value("headroom"),
    reliability: value("reliability"),
    restartMinutes: Number(value("restartMinutes")),
    checkpoint: value("checkpoint"),
    trials: Number(value("trials")),
  };
}

function writeForm(state: FormState): void {
  for (const [name, value] of Object.entries(state)) input(name as keyof FormState).value = String(value);
}

function scenarioOf(state: FormState): Record<string, unknown> {
  const layout = {
    ...(state.tp !== "" ? { tp: Number(state.tp) } : {}),
    ...(state.pp !== "" ? { pp: Number(state.pp) } : {}),
  };
  return {
    name: `${state.model} on ${state.gpus} ${state.accelerator}`,
    model: state.model,
    training: {
      sequenceLength: state.sequenceLength,
      globalBatchTokens: state.globalBatchTokens,
      tokens: Number(state.tokens),
      precision: state.precision,
    },
    cluster: { accelerator: state.accelerator, gpus: state.gpus },
    ...(state.site ? { site: state.site } : {}),
    ...(Object.keys(layout).length > 0 ? { layout } : {}),
    search: { memoryHeadroomGiB: Number(state.headroom || 0) },
    reliability: { preset: state.reliability, restartMinutes: state.restartMinutes },
    checkpoint: { mode: state.checkpoint },
    simulation: { trials: state.trials },
  };
}

function stateFromHash(): FormState {
  const hash = location.hash.slice(1);
  if (!hash) return DEFAULTS;
  try {
    return { ...DEFAULTS, ...(JSON.parse(decodeURIComponent(hash)) as Partial<FormState>) };
  } catch {
    return DEFAULTS;
  }
}

let worker = startWorker();
let latest = 0;
const cancel = document.querySelector("#cancel") as HTMLButtonElement;
const status = document.querySelector("#status") as HTMLElement;
const results = document.querySelector("#results") as HTMLElement;
const errorBox = document.querySelector("#error") as HTMLElement;

function plan(state: FormState, pushHistory: boolean): void {
  const hash = `#${encodeURIComponent(JSON.stringify(state))}`;
  if (location.hash !== hash) {
    if (pushHistory) history.pushState(null, "", hash);
    else history.replaceState(null, "", hash);
  }
  latest++;
  results.setAttribute("aria-busy", "true");
  status.textContent = "Planning…";
  cancel.hidden = false;
  worker.postMessage({ id: latest, scenario: scenarioOf(state) });
}

const number = (value: number, digits = 1) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits });

function card(label: string, value: string, help: string): string {
  return `<div class="card" title="${help}"><div class="value">${value}</div><div class="label">${label}</div></div>`;
}

function table(caption: string, header: string[], rows: string[][]): string {
  const head = header.map((h) => `<th scope="col">${h}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`).join("");
  return `<table><caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function buildoutTables(b: BuildoutResult): string {
  const mw = (watts: number) => number(watts / 1e6, 2);
  const usd = (value: number) => `$${number(value / 1e9, 2)} B`;
  const power = Object.keys(b.power.peakWatts)
    .filter((key) => key !== "total")
    .map((key) => [
      key,
      mw(b.power.peakWatts[key as keyof typeof b.power.peakWatts]),
      mw(b.power.typicalWatts[key as keyof typeof b.power.typicalWatts]),
    ]);
  const cost = Object.entries(b.cost.capexBreakdownUsd).map(([key, value]) => [key, usd(value)]);
  return [
    table(
      "Build-out: bill of materials",
      ["item", "count"],
      [
        ["GPUs", number(b.gpus, 0)],
        ["servers", number(b.servers, 0)],
        ["racks", number(b.racks, 0)],
        ...b.network.tierDetail.map((t) => [`${t.name} switches`, number(t.switches, 0)]),
        ["optical transceivers", number(b.network.transceivers, 0)],
      ],
    ),
    table(
      "Build-out: power (MW)",
      ["component", "peak", "typical"],
      [
        ...power,
        [
          `facility (PUE ${number(b.power.pue, 2)})`,
          number(b.power.facilityMegawatts, 1),
          number(b.power.typicalFacilityMegawatts, 1),
        ],
      ],
    ),
    table("Build-out: capex", ["item", "USD"], cost),
  ].join("");
}

function render(result: ScenarioPlan, run: SimulationResult | undefined): void {
  const { plan: p, buildout } = result;
  const l = p.layout;
  const cards = [
    card("days of uninterrupted compute", p.training ? number(p.training.days) : "-", "steps x step time"),
    card(
      "days with failures (P50)",
      run ? number(run.days.p50) : "-",
      "Monte Carlo of failures, checkpoints and restarts",
    ),
    card("MFU", `${number(p.throughput.mfu * 100)}%`, "model FLOP/s over the dense BF16 peak"),
    card("step time", `${number(p.step.seconds, 2)} s`, "sum of the step-time terms below"),
    card("memory per GPU", `${number(p.memory.perGpuBytes.total / 1024 ** 3)} GiB`, "largest pipeline stage"),
    card(
      "layout",
      `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp}`,
      `micro-batch ${l.microBatch}, v${l.virtualStages}, ${l.recompute} recompute, ZeRO ${l.zero}`,
    ),
  ];
  if (buildout) {
    cards.push(
      card(
        "capex",
        `$${number(buildout.result.cost.capexUsd / 1e9, 2)} B`,
        "servers, network, storage and building",
      ),
    );
    cards.push(
      card(
        "$ per GPU-hour",
        `$${number(buildout.result.cost.usdPerGpuHour, 2)}`,
        "amortized capex plus opex",
      ),
    );
  }
  (document.querySelector("#summary") as HTMLElement).innerHTML =
    `<div class="cards">${cards.join("")}</div>`;
  const { total: _s, ...step } = p.step.breakdown;
  const top = result.search.top.map((r, i) => [
    String(i + 1),
    `tp${r.plan.layout.tp} pp${r.plan.layout.pp} cp${r.plan.layout.cp} dp${r.plan.layout.dp}`,
    number(r.plan.step.seconds, 3),
    `${number(r.plan.throughput.mfu * 100)}%`,
    r.losesBy.map((d) => `+${number(d.seconds, 3)} s ${d.term}`).join(", ") || "best",
  ]);
  const runRows = run
    ? [
        ["days", number(run.days.p10), number(run.days.p50), number(run.days.p90)],
        [
          "goodput",
          `${number(run.goodput.p10 * 100)}%`,
          `${number(run.goodput.p50 * 100)}%`,
          `${number(run.goodput.p90 * 100)}%`,
        ],
        [
          "interruptions",
          number(run.interruptions.total.p10, 0),
          number(run.interruptions.total.p50, 0),
          number(run.interruptions.total.p90, 0),
        ],
      ]
    : [];
  (document.querySelector("#details") as HTMLElement).innerHTML = [
    `<div class="chart" role="img" aria-label="Step time and memory per GPU by term">${planChartSvg(p, document as never)}</div>`,
    table(
      "Step time by term (s)",
      ["term", "seconds"],
      Object.entries(step)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => [k, number(v, 4)]),
    ),
    table(
      `Layout search: ${number(result.search.evaluated, 0)} layouts evaluated`,
      ["rank", "layout", "step s", "MFU", "loses by"],
      top,
    ),
    run ? table("The run with failures", ["", "P10", "P50", "P90"], runRows) : "",
    run
      ? `<div class="chart" role="img" aria-label="Goodput over the simulated trials, P10 to P90 marked">${goodputChartSvg(run, document as never)}</div>`
      : "",
    buildout ? buildoutTables(buildout.result) : "",
  ].join("");
}

type WorkerMessage =
  | { id: number; progress: number; ok?: undefined }
  | {
      id: number;
      ok: true;
      result: ScenarioPlan;
      run?: SimulationResult;
      sweep?: undefined;
      compare?: undefined;
    }
  | {
      id: number;
      ok: true;
      sweep: { variations: Variation[]; rows: SweepRow[] };
      result?: undefined;
      compare?: undefined;
    }
  | {
      id: number;
      ok: true;
      compare: { a: ScenarioSummary; b: ScenarioSummary };
      result?: undefined;
      sweep?: undefined;
    }
  | { id: number; ok: false; error: { path: string; message: string } };

const whatIf = document.querySelector("#whatif") as HTMLElement;

function renderSweep(variations: Variation[], rows: SweepRow[]): void {
  const body = rows.map((row) => [
    number(Number(row.values["cluster.gpus"]), 0),
    row.days === undefined ? "-" : number(row.days),
    row.mfu === undefined ? "-" : `${number(row.mfu * 100)}%`,
    row.error ?? "",
  ]);
  whatIf.innerHTML =
    `<div class="chart" role="img" aria-label="Time to train against the number of GPUs">${sweepChartSvg(rows, variations, document as never)}</div>` +
    table("Sweep of the GPU count", ["GPUs", "days", "MFU", "note"], body);
}

function renderCompare(a: ScenarioSummary, b: ScenarioSummary): void {
  const rows = a.metrics.map((metric, i) => {
    const other = b.metrics[i]?.value;
    const change = metric.value && other !== undefined ? `${number((other / metric.value - 1) * 100)}%` : "";
    return [
      metric.label,
      metric.value === undefined ? "-" : number(metric.value, 2),
      other === undefined ? "-" : number(other, 2),
      change,
    ];
  });
  whatIf.innerHTML = table(`A: ${a.name} — B: ${b.name}`, ["", "A", "B", "B against A"], rows);
}

function onWorkerMessage(event: MessageEvent): void {
  const message = event.data as WorkerMessage;
  if (message.id !== latest) return;
  if (message.ok === undefined) {
    status.textContent = `Simulating the run… ${Math.round(message.progress * 100)}%`;
    return;
  }
  results.setAttribute("aria-busy", "false");
  cancel.hidden = true;
  if (message.ok && message.sweep) {
    status.textContent = "Swept.";
    renderSweep(message.sweep.variations, message.sweep.rows);
    return;
  }
  if (message.ok && message.compare) {
    status.textContent = "Compared.";
    renderCompare(message.compare.a, message.compare.b);
    return;
  }
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  if (!message.ok) {
    errorBox.hidden = false;
    errorBox.textContent = message.error.message;
    status.textContent = "No plan: see the message beside the form.";
    const field = FIELD_PATHS[message.error.path];
    if (field) input(field).setAttribute("aria-invalid", "true");
    return;
  }
  errorBox.hidden = true;
  status.textContent = `Planned ${message.result.scenario.name}.`;
  render(message.result, message.run);
  if (pinned) {
    latest++;
    worker.postMessage({ id: latest, scenario: scenarioOf(readForm()), compareWith: pinned });
  }
}

let pinned: Record<string, unknown> | undefined;

(document.querySelector("#pin") as HTMLButtonElement).addEventListener("click", () => {
  pinned = scenarioOf(readForm());
  whatIf.innerHTML = "<p>Kept as A. Change any input: B is the form, compared with A below.</p>";
});

(document.querySelector("#sweep") as HTMLButtonElement).addEventListener("click", () => {
  const from = Number((document.querySelector("#sweepFrom") as HTMLInputElement).value);
  const to = Number((document.querySelector("#sweepTo") as HTMLInputElement).value);
  const values: number[] = [];
  for (let gpus = Math.max(1, from); gpus <= to && values.length < 12; gpus *= 2) values.push(gpus);
  latest++;
  results.setAttribute("aria-busy", "true");
  status.textContent = "Sweeping…";
  worker.postMessage({
    id: latest,
    scenario: scenarioOf(readForm()),
    sweep: { path: "cluster.gpus", values },
  });
});

function startWorker(): Worker {
  const created = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  created.onmessage = onWorkerMessage;
  return created;
}

cancel.addEventListener("click", () => {
  worker.terminate();
  worker = startWorker();
  latest++;
  cancel.hidden = true;
  results.setAttribute("aria-busy", "false");
  status.textContent = "Cancelled. Change an input to plan again.";
});

let timer: ReturnType<typeof setTimeout> | undefined;
form.addEventListener("input", (event) => {
  // The what-if bounds are not part of the scenario: changing them plans nothing.
  const target = event.target as HTMLElement;
  if (target.id === "sweepFrom" || target.id === "sweepTo") return;
  clearTimeout(timer);
  timer = setTimeout(() => plan(readForm(), true), 150);
});
window.addEventListener("popstate", () => {
  const state = stateFromHash();
  writeForm(state);
  plan(state, false);
});

(document.querySelector("#download") as HTMLButtonElement).addEventListener("click", () => {
  const blob = new Blob([stringify(scenarioOf(readForm()))], { type: "application/yaml" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "scenario.yaml";
  link.click();
  URL.revokeObjectURL(link.href);
});

async function loadFile(file: File): Promise<void> {
  try {
    const raw = parseScenarioText(await file.text());
    const at = (...keys: string[]): unknown =>
      keys.reduce<unknown>(
        (node, key) =>
          typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined,
        raw,
      );
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    const count = (value: unknown) => (typeof value === "number" ? value : undefined);
    const loaded: Partial<FormState> = {
      model: text(at("model")),
      sequenceLength: count(at("training", "sequenceLength")),
      globalBatchTokens: count(at("training", "globalBatchTokens")),
      tokens: at("training", "tokens") === undefined ? undefined : String(at("training", "tokens")),
      precision: text(at("training", "precision")),
      accelerator: text(at("cluster", "accelerator")),
      gpus: count(at("cluster", "gpus")),
      site: text(at("site")),
    };
    const state: FormState = {
      ...readForm(),
      ...Object.fromEntries(Object.entries(loaded).filter(([, value]) => value !== undefined)),
    };
    writeForm(state);
    plan(state, true);
  } catch (error) {
    errorBox.hidden = false;
    errorBox.textContent = error instanceof Error ? error.message : String(error);
  }
}

(document.querySelector("#upload") as HTMLInputElement).addEventListener("change", (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void loadFile(file);
});
document.addEventListener("dragover", (event) => event.preventDefault());
document.addEventListener("drop", (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file) void loadFile(file);
});

const initial = stateFromHash();
writeForm(initial);
plan(initial, false);
