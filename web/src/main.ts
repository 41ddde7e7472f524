import { stringify } from "yaml";
import {
  type BuildoutReport,
  findUncertain,
  type GrowthReport,
  parseScenarioText,
  type ScenarioPlan,
  type ScenarioSummary,
  type SimulationResult,
  type SweepRow,
  type TrialTimeline,
  type UncertaintyResult,
  type Variation,
} from "../../src/index.ts";
import { FIELDS } from "./fields.ts";
import { clearFieldErrors, formHtml, showFieldError, sourceChanged, writeForm } from "./form.ts";
import { JobRunner, type Outcome } from "./jobs.ts";
import { asScenario, type RawScenario, valueAt, valueOfText, withFieldValue } from "./scenario-edit.ts";
import {
  buildoutSummaryView,
  buildoutView,
  calibrationView,
  compareView,
  escapeHtml,
  growthCardsView,
  growthView,
  planView,
  runView,
  serveCardsView,
  serveView,
  summaryView,
  sweepView,
  uncertaintyView,
} from "./views.ts";
import type { Calibrated, Served } from "./worker.ts";

// The page: the scenario file is the state (in the URL too); a change plans it at once in one worker,
// and the run, the uncertainty analysis and any comparison follow in another that can be cancelled.

const DEFAULT_SCENARIO: RawScenario = {
  model: "llama-3-70b",
  training: { sequenceLength: 8192, globalBatchTokens: 16777216, tokens: 15e12, precision: "bf16" },
  cluster: { accelerator: "h100-sxm", gpus: 4096 },
  reliability: { preset: "llama-3", restartMinutes: 10 },
  checkpoint: { mode: "sync" },
  simulation: { trials: 300 },
};

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;
const form = $<HTMLFormElement>("#scenario");
const results = $<HTMLElement>("#results");
const statusLine = $<HTMLElement>("#status");
const cancelButton = $<HTMLButtonElement>("#cancel");
const errorBox = $<HTMLElement>("#error");
const notice = $<HTMLElement>("#notice");
const views = {
  summary: $<HTMLElement>("#summary"),
  whatIf: $<HTMLElement>("#whatif"),
  uncertainty: $<HTMLElement>("#uncertainty"),
  plan: $<HTMLElement>("#plan"),
  run: $<HTMLElement>("#run"),
  buildout: $<HTMLElement>("#buildout"),
  serve: $<HTMLElement>("#serve"),
  growth: $<HTMLElement>("#growth"),
  calibration: $<HTMLElement>("#calibration"),
};

// `?workers=N` in the page's address runs long work (trials, sweep points, samples) on N Web Workers, as
// the CLI's --workers; without it the page decides by the work and the browser's cores.
const askedWorkers = Number(new URLSearchParams(location.search).get("workers") ?? Number.NaN);
const workers =
  Number.isInteger(askedWorkers) && askedWorkers >= 1 && askedWorkers <= 64 ? askedWorkers : undefined;
const planner = new JobRunner(false);
const runner = new JobRunner(true, workers);

form.innerHTML = formHtml();
const sweepPath = $<HTMLSelectElement>("#sweep-path");
// A growth field is not swept: the sweep plans one cluster, the growth view a fleet over time.
for (const field of FIELDS.filter(
  (f) => f.kind === "number" && !f.path.includes("seed") && !f.path.startsWith("growth."),
)) {
  sweepPath.add(new Option(`${field.label} (${field.path})`, field.path));
}
sweepPath.value = "cluster.gpus";

/** The last scenario that planned (or built), kept in the browser so a broken link loses nothing. */
const LAST_GOOD_KEY = "gigacluster.lastGoodScenario";

function lastGoodScenario(): RawScenario {
  try {
    const text = localStorage.getItem(LAST_GOOD_KEY);
    return text ? asScenario(JSON.parse(text)) : DEFAULT_SCENARIO;
  } catch {
    return DEFAULT_SCENARIO;
  }
}

function rememberGood(): void {
  try {
    localStorage.setItem(LAST_GOOD_KEY, JSON.stringify(scenario));
  } catch {
    // Storage off (private mode, quota): the link in the address bar still holds the scenario.
  }
}

function showNotice(text: string | undefined): void {
  notice.hidden = text === undefined;
  notice.textContent = text ?? "";
}

let scenario: RawScenario = scenarioFromHash();
let pinned: RawScenario | undefined;
/** Each change starts a new generation; replies for an older one are ignored. */
let generation = 0;
let lastPushMs = Number.NEGATIVE_INFINITY;

/** The scenario in the link; a link that cannot be read says so and gives the last good scenario. */
function scenarioFromHash(): RawScenario {
  const hash = location.hash.slice(1);
  showNotice(undefined);
  if (!hash) return DEFAULT_SCENARIO;
  try {
    return asScenario(JSON.parse(decodeURIComponent(hash)));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    showNotice(
      `This link's scenario could not be read (${why}); it may have been cut short when it was copied. Showing your last scenario instead.`,
    );
    return lastGoodScenario();
  }
}

/** Typing pushes one history entry per pause, not one per keystroke. */
function syncUrl(push: boolean): void {
  const hash = `#${encodeURIComponent(JSON.stringify(scenario))}`;
  if (location.hash === hash) return;
  const now = performance.now();
  if (push && now - lastPushMs > 1000) history.pushState(null, "", hash);
  else history.replaceState(null, "", hash);
  if (push) lastPushMs = now;
}

type PageState = "planning" | "simulating" | "done" | "error" | "cancelled";

function setState(state: PageState, text: string): void {
  results.dataset.state = state;
  results.setAttribute("aria-busy", String(state === "planning" || state === "simulating"));
  results.classList.toggle("stale", state === "error");
  cancelButton.hidden = !(state === "planning" || state === "simulating");
  statusLine.textContent = text;
}

const progressText = (what: string) => (fraction: number) => {
  statusLine.textContent = `${what}… ${Math.round(fraction * 100)}%`;
};

function showError(error: { path: string; message: string }): void {
  if (!showFieldError(form, error.path, error.message)) {
    errorBox.hidden = false;
    errorBox.textContent = error.message;
  }
  setState("error", `No plan: ${error.message}`);
}

// Phone tabs: results first, the scenario a tap away (on a wide screen both show side by side).
const main = $<HTMLElement>("main");
function showTab(tab: "results" | "scenario"): void {
  main.dataset.tab = tab;
  for (const button of document.querySelectorAll<HTMLButtonElement>("#tabs [role=tab]")) {
    button.setAttribute("aria-selected", String(button.id === `tab-${tab}`));
  }
}
$<HTMLButtonElement>("#tab-results").addEventListener("click", () => showTab("results"));
$<HTMLButtonElement>("#tab-scenario").addEventListener("click", () => showTab("scenario"));

// Touch has no hover: a tap on anything with a tooltip (a card, a figure, a label) shows it.
const tip = $<HTMLElement>("#tip");
document.addEventListener("click", (event) => {
  const target = event.target as HTMLElement;
  const helped = target.closest<HTMLElement>(".card[title], td[title], th[title], label[title]");
  if (!helped || target.closest("#tip")) {
    tip.hidden = true;
    return;
  }
  const box = helped.getBoundingClientRect();
  tip.textContent = helped.title;
  tip.hidden = false;
  tip.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - tip.offsetWidth - 8)) + window.scrollX}px`;
  tip.style.top = `${box.bottom + window.scrollY + 4}px`;
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") tip.hidden = true;
});

const yamlEditor = $<HTMLTextAreaElement>("#scenario-yaml");
const yamlError = $<HTMLElement>("#scenario-yaml-error");

/**
 * A job's result if it is still the current one and succeeded; a failure is shown (and clears the
 * old field errors either way), a superseded job is ignored.
 */
function accepted<T>(current: number, outcome: Outcome<T>): T | undefined {
  if (current !== generation || outcome.kind === "dropped") return undefined;
  clearFieldErrors(form);
  errorBox.hidden = true;
  if (outcome.kind === "failed") {
    showError(outcome.error);
    return undefined;
  }
  rememberGood();
  return outcome.result;
}

/** The views a serve-only, growth or build-out scenario fills; the rest of them are emptied. */
const RESULT_VIEWS = ["plan", "run", "uncertainty", "buildout", "serve", "growth"] as const;

function showOnly(shown: Partial<Record<(typeof RESULT_VIEWS)[number], string>>): void {
  for (const key of RESULT_VIEWS) views[key].innerHTML = shown[key] ?? "";
}

/** Plans the scenario, then simulates its run; `inputMs` is when the change that caused it happened. */
async function update(push: boolean, inputMs = performance.now()): Promise<void> {
  syncUrl(push);
  if (document.activeElement !== yamlEditor) yamlEditor.value = stringify(scenario);
  const current = ++generation;
  runner.cancel();
  views.growth.innerHTML = "";
  // A growth section: the fleet over time and the runs placed on it, as `gigacluster growth FILE`.
  if (valueAt(scenario, "growth") !== undefined) {
    await updateGrowth(current, inputMs);
    return;
  }
  if (valueAt(scenario, "model") === undefined) {
    await updateBuildout(current);
    return;
  }
  const serves = valueAt(scenario, "serve") !== undefined;
  // A serve section alone: the serving fleet, no training plan (and so no training error).
  if (serves && valueAt(scenario, "training") === undefined) {
    await updateServe(current, inputMs);
    return;
  }
  setState("planning", "Planning…");
  const planned: Outcome<ScenarioPlan> = await planner.run(
    { kind: "plan", scenario },
    progressText("Searching layouts"),
  );
  const plan = accepted(current, planned);
  if (!plan) return;
  views.summary.innerHTML = summaryView(plan, undefined);
  views.plan.innerHTML = planView(plan);
  views.buildout.innerHTML = plan.buildout.stated ? buildoutView(plan.buildout) : "";
  views.run.innerHTML = "";
  views.uncertainty.innerHTML = "";
  if (serves) {
    // Training and serving both: the serving plan below the training's, with its own cards.
    const served = await serve();
    if (current !== generation || served.kind === "dropped") return;
    if (served.kind === "failed") {
      showError(served.error);
      return;
    }
    const { result, curves } = served.result;
    views.serve.innerHTML = `<h2>Serving</h2>${serveCardsView(result)}${serveView(result, curves)}`;
  } else {
    views.serve.innerHTML = "";
  }
  // The page shows the new plan at the next frame: the latency benchmark (bench/web.bench.ts) reads this.
  requestAnimationFrame(() => performance.measure("recompute", { start: inputMs, end: performance.now() }));
  // A run needs an end: the token budget, or a fixed window of days.
  if (!plan.plan.training && valueAt(scenario, "simulation.days") === undefined) {
    await showComparison(current);
    if (current === generation) {
      setState(
        "done",
        `Planned ${plan.scenario.name}. Give training tokens (or simulation days) for the run.`,
      );
    }
    return;
  }
  setState("simulating", `Planned ${plan.scenario.name}; simulating the run…`);
  const ran: Outcome<{ run: SimulationResult; timeline: TrialTimeline }> = await runner.run(
    { kind: "run", scenario, plan },
    progressText(`Planned ${plan.scenario.name}; simulating the run`),
  );
  if (current !== generation || ran.kind === "dropped") return;
  if (ran.kind === "failed") {
    showError(ran.error);
    return;
  }
  views.summary.innerHTML = summaryView(plan, ran.result.run);
  views.run.innerHTML = runView(ran.result.run, ran.result.timeline);
  if (findUncertain(scenario).length > 0) {
    const sampled: Outcome<UncertaintyResult> = await runner.run(
      { kind: "uncertainty", scenario },
      progressText("Sampling the uncertain inputs"),
    );
    if (current !== generation || sampled.kind === "dropped") return;
    views.uncertainty.innerHTML =
      sampled.kind === "done"
        ? uncertaintyView(sampled.result)
        : `<p class="error">${escapeHtml(sampled.error.message)}</p>`;
  }
  await showComparison(current);
  if (current !== generation) return;
  setState("done", `Planned ${plan.scenario.name}. Run simulated over ${ran.result.run.trials} trials.`);
}

/** The serving plan of the scenario's serve section, the charts' curves with it. */
function serve(): Promise<Outcome<Served>> {
  return planner.run({ kind: "serve", scenario }, progressText("Sizing the fleet"));
}

/** A scenario that serves and does not train: the replica, the fleet, its cost and energy. */
async function updateServe(current: number, inputMs: number): Promise<void> {
  setState("planning", "Sizing the serving fleet…");
  const served = accepted(current, await serve());
  if (!served) return;
  const { result, curves } = served;
  views.summary.innerHTML = serveCardsView(result);
  showOnly({ serve: serveView(result, curves) });
  requestAnimationFrame(() => performance.measure("recompute", { start: inputMs, end: performance.now() }));
  // A serving fleet compares with a kept A as a plan does (serving rows, no training rows).
  await showComparison(current);
  if (current !== generation) return;
  setState(
    "done",
    `Served ${result.name}: ${result.fleet.gpus.toLocaleString("en-US")} GPUs in ${result.fleet.replicas.toLocaleString("en-US")} replicas for the peak.`,
  );
}

/** A scenario with a growth section: its fleet quarter by quarter, the chart, and each run's finish. */
async function updateGrowth(current: number, inputMs: number): Promise<void> {
  setState("planning", "Growing the fleet…");
  const grown: Outcome<GrowthReport> = await planner.run({ kind: "growth", scenario });
  const report = accepted(current, grown);
  if (!report) return;
  views.summary.innerHTML = growthCardsView(report);
  showOnly({ growth: growthView(report) });
  requestAnimationFrame(() => performance.measure("recompute", { start: inputMs, end: performance.now() }));
  await showComparison(current);
  if (current !== generation) return;
  const last = report.quarters[report.quarters.length - 1];
  setState(
    "done",
    `Grew ${report.name}${last ? `: ${last.gpus.toLocaleString("en-US")} GPUs by ${last.quarter}` : ""}; ${report.runs.filter((r) => r.placed).length} of ${report.runs.length} runs placed.`,
  );
}

/** A scenario without a model: what its site, budget or power envelope builds, and no plan. */
async function updateBuildout(current: number): Promise<void> {
  setState("planning", "Building out…");
  const outcome: Outcome<BuildoutReport> = await planner.run({ kind: "buildout", scenario });
  const built = accepted(current, outcome);
  if (!built) return;
  views.summary.innerHTML = buildoutSummaryView(built);
  showOnly({ buildout: buildoutView(built) });
  await showComparison(current);
  if (current !== generation) return;
  setState(
    "done",
    `Built out ${built.site.displayName}: ${built.result.gpus.toLocaleString("en-US")} GPUs. Choose a model to plan its training.`,
  );
}

/** With a scenario kept as A, this one (B) against it. */
async function showComparison(current: number): Promise<void> {
  if (!pinned) return;
  const compared: Outcome<{ a: ScenarioSummary; b: ScenarioSummary }> = await runner.run(
    { kind: "compare", a: pinned, b: scenario },
    progressText("Comparing"),
  );
  if (current !== generation || compared.kind === "dropped") return;
  views.whatIf.innerHTML =
    compared.kind === "done"
      ? compareView(compared.result.a, compared.result.b)
      : `<p class="error">${escapeHtml(compared.error.message)}</p>`;
}

form.addEventListener("input", (event) => {
  const target = event.target as HTMLInputElement | HTMLSelectElement;
  const field = FIELDS.find((f) => f.path === target.name);
  if (!field) return;
  const value = field.kind === "text" ? target.value.trim() || undefined : valueOfText(target.value);
  scenario = withFieldValue(scenario, field.path, value);
  // A preset or a budget may change other fields; the one being typed in keeps the user's text.
  writeForm(form, scenario, field.path);
  sourceChanged(form, target.name);
  void update(true, event.timeStamp);
});

/** Replaces the scenario by a file's text, or says in `messageBox` why the text is not one. */
function loadScenarioText(text: string, messageBox: HTMLElement, prefix = ""): void {
  try {
    scenario = asScenario(parseScenarioText(text));
    messageBox.hidden = true;
    writeForm(form, scenario);
    void update(true);
  } catch (error) {
    messageBox.hidden = false;
    messageBox.textContent = prefix + (error instanceof Error ? error.message : String(error));
  }
}

let yamlTimer: ReturnType<typeof setTimeout> | undefined;
yamlEditor.addEventListener("input", () => {
  // Half-typed YAML is not worth an error: wait for a pause.
  clearTimeout(yamlTimer);
  yamlTimer = setTimeout(() => loadScenarioText(yamlEditor.value, yamlError), 300);
});

window.addEventListener("popstate", () => {
  scenario = scenarioFromHash();
  writeForm(form, scenario);
  void update(false);
});

cancelButton.addEventListener("click", () => {
  generation++;
  planner.cancel();
  runner.cancel();
  setState("cancelled", "Cancelled. Change an input to plan again.");
});

$<HTMLButtonElement>("#sweep").addEventListener("click", async () => {
  const value = (id: string) => $<HTMLInputElement>(id).value.trim();
  const points = value("#sweep-points");
  const spec = `${value("#sweep-from")}..${value("#sweep-to")}${points ? `:${points}` : ""}`;
  const current = ++generation;
  setState("simulating", "Sweeping…");
  const swept: Outcome<{ variations: Variation[]; rows: SweepRow[] }> = await runner.run(
    {
      kind: "sweep",
      scenario,
      path: sweepPath.value,
      spec,
    },
    progressText("Sweeping"),
  );
  if (current !== generation || swept.kind === "dropped") return;
  if (swept.kind === "failed") {
    errorBox.hidden = false;
    errorBox.textContent = swept.error.message;
    setState("error", "No sweep: see the message beside the form.");
    return;
  }
  errorBox.hidden = true;
  views.whatIf.innerHTML = sweepView(swept.result.variations, swept.result.rows);
  setState("done", "Swept.");
});

$<HTMLButtonElement>("#pin").addEventListener("click", () => {
  pinned = structuredClone(scenario);
  $<HTMLButtonElement>("#unpin").hidden = false;
  views.whatIf.innerHTML = "<p>Kept as A. Change any input: B is the form, compared with A here.</p>";
});

$<HTMLButtonElement>("#unpin").addEventListener("click", () => {
  pinned = undefined;
  $<HTMLButtonElement>("#unpin").hidden = true;
  views.whatIf.innerHTML = "";
});

$<HTMLButtonElement>("#download").addEventListener("click", () => {
  const blob = new Blob([stringify(scenario)], { type: "application/yaml" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "scenario.yaml";
  link.click();
  URL.revokeObjectURL(link.href);
});

async function loadFile(file: File): Promise<void> {
  loadScenarioText(await file.text(), errorBox, `${file.name}: `);
}

// Calibration: runs files and measurement files fitted into a stack in a worker of its own (started on
// first use), so planning goes on meanwhile; the report shows in the results, with the fitted stack a
// click from the plan (as cluster.stack, inline) and a download from a stack file.
const calibrateStatus = $<HTMLElement>("#calibrate-status");
const calibrateError = $<HTMLElement>("#calibrate-error");
const calibrateCancel = $<HTMLButtonElement>("#calibrate-cancel");
const calibrateDrop = $<HTMLElement>("#calibrate-drop");
let calibrator: JobRunner | undefined;
let calibrated: Calibrated | undefined;
let stackFileUrl: string | undefined;

const CALIBRATION_FILE = /\.(ya?ml|json|csv)$/i;

function showCalibrationError(message: string): void {
  calibrateError.hidden = false;
  calibrateError.textContent = message;
  calibrateStatus.textContent = "No fit: see the message below.";
}

function clearCalibration(): void {
  calibrated = undefined;
  views.calibration.innerHTML = "";
  if (stackFileUrl) URL.revokeObjectURL(stackFileUrl);
  stackFileUrl = undefined;
}

async function calibrateFrom(files: readonly File[]): Promise<void> {
  const refused = files.filter((f) => !CALIBRATION_FILE.test(f.name));
  if (files.length === 0 || refused.length > 0) {
    showCalibrationError(
      `${refused.map((f) => f.name).join(", ") || "no file"}: expected runs files or measurement files (.yaml, .yml, .json, .csv)`,
    );
    return;
  }
  const inputs = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
  const name = $<HTMLInputElement>("#calibrate-name").value.trim();
  calibrator ??= new JobRunner(true);
  calibrateError.hidden = true;
  calibrateCancel.hidden = false;
  const what = `Fitting the stack to ${inputs.map((f) => f.name).join(", ")}`;
  calibrateStatus.textContent = `${what}…`;
  const fitted: Outcome<Calibrated> = await calibrator.run(
    {
      kind: "calibrate",
      files: inputs,
      date: new Date().toISOString().slice(0, 10),
      ...(name ? { name } : {}),
    },
    (fraction) => {
      calibrateStatus.textContent = `${what}… ${Math.round(fraction * 100)}%`;
    },
  );
  if (fitted.kind === "dropped") return;
  calibrateCancel.hidden = true;
  if (fitted.kind === "failed") {
    showCalibrationError(fitted.error.message);
    return;
  }
  clearCalibration();
  calibrated = fitted.result;
  const { result, stackFile } = calibrated;
  stackFileUrl = URL.createObjectURL(new Blob([stackFile], { type: "application/yaml" }));
  views.calibration.innerHTML = calibrationView(result, stackFileUrl);
  calibrateStatus.textContent = `Fitted ${result.section.name ?? result.baseStack} to ${result.runs.length} runs: the report is with the results.`;
  // On a phone the report is on the results tab.
  showTab("results");
  views.calibration.scrollIntoView({ block: "start" });
}

$<HTMLInputElement>("#calibrate-files").addEventListener("change", (event) => {
  const input = event.target as HTMLInputElement;
  const files = [...(input.files ?? [])];
  // The same files chosen again fit again.
  input.value = "";
  if (files.length > 0) void calibrateFrom(files);
});
calibrateDrop.addEventListener("dragover", (event) => {
  event.preventDefault();
  calibrateDrop.classList.add("dragging");
});
calibrateDrop.addEventListener("dragleave", () => calibrateDrop.classList.remove("dragging"));
calibrateDrop.addEventListener("drop", (event) => {
  // The page's own drop loads a scenario: files dropped here are measured runs instead.
  event.preventDefault();
  event.stopPropagation();
  calibrateDrop.classList.remove("dragging");
  void calibrateFrom([...(event.dataTransfer?.files ?? [])]);
});
calibrateCancel.addEventListener("click", () => {
  calibrator?.cancel();
  calibrateCancel.hidden = true;
  calibrateStatus.textContent = "Fit cancelled.";
});

views.calibration.addEventListener("click", (event) => {
  const target = event.target as HTMLElement;
  if (target.closest("#calibrate-close")) {
    clearCalibration();
    return;
  }
  if (!target.closest("#calibrate-plan") || !calibrated) return;
  // The fitted section goes in as the form's edits do: in the scenario file, the URL and the YAML.
  scenario = withFieldValue(scenario, "cluster.stack", calibrated.result.section);
  writeForm(form, scenario);
  void update(true);
  // The new plan shows at the top of the results.
  results.scrollIntoView({ block: "start" });
});

$<HTMLInputElement>("#upload").addEventListener("change", (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void loadFile(file);
});
document.addEventListener("dragover", (event) => event.preventDefault());
document.addEventListener("drop", (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file) void loadFile(file);
});

writeForm(form, scenario);
void update(false);
