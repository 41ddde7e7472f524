import {
  ACCELERATORS,
  CHECKPOINT_PRESETS,
  FAILURE_MIXES,
  type FieldCatalog,
  fieldInfo,
  MODELS,
  NETWORK_GEAR,
  PLATFORMS,
  SEARCHED_LAYOUT_FIELDS,
  SITES,
  STACKS,
  TRAINING_PRESETS,
} from "../../src/index.ts";

// Every section of a scenario file as form fields: presets first, the rest folded away. Each field
// edits one dotted path of the file; its label, help, kind and choices come from the scenario schema
// (src/scenario/schema.ts). This page keeps only the order of the fields and what is folded.

export interface Choice {
  readonly value: string;
  readonly label: string;
  /** Where the preset's figures come from, shown under the field. */
  readonly source?: string;
}

export interface FieldSpec {
  readonly path: string;
  readonly label: string;
  /** number: also takes a range `low..high` or a distribution; text: taken as typed. */
  readonly kind: "number" | "text" | "select";
  readonly help: string;
  readonly choices?: readonly Choice[];
  readonly placeholder?: string;
}

export interface SectionSpec {
  readonly id: string;
  readonly legend: string;
  readonly fields: readonly FieldSpec[];
  /** Folded away under the section's "more" toggle. */
  readonly more: readonly FieldSpec[];
}

const NUMBER_HELP =
  " Takes a number, or an uncertain value for the P10/P50/P90 analysis: low..high, { normal: [mean, sd] } or { triangular: [min, mode, max] } (samples kept within the field's bounds).";

const CATALOG_CHOICES: Readonly<Record<FieldCatalog, () => Choice[]>> = {
  models: () => MODELS.map((m) => ({ value: m.name, label: m.displayName, source: m.source.ref })),
  accelerators: () =>
    ACCELERATORS.map((a) => ({
      value: a.name,
      label: a.displayName,
      source: `peak: ${a.sources.bf16DenseFlops.ref}; memory: ${a.sources.hbmBytes.ref}`,
    })),
  stacks: () => STACKS.map((s) => ({ value: s.name, label: s.name })),
  sites: () =>
    SITES.map((s) => ({
      value: s.name,
      label: s.displayName,
      source: s.sources.pue?.ref ?? s.sources.rackKilowatts?.ref,
    })),
  platforms: () => PLATFORMS.map((p) => ({ value: p.name, label: p.displayName })),
  network: () => NETWORK_GEAR.map((g) => ({ value: g.name, label: g.name })),
  failures: () => FAILURE_MIXES.map((f) => ({ value: f.name, label: f.displayName, source: f.source.ref })),
  "training-presets": () =>
    TRAINING_PRESETS.map((p) => ({ value: p.name, label: p.name, source: p.source.ref })),
  "checkpoint-presets": () =>
    CHECKPOINT_PRESETS.map((p) => ({ value: p.name, label: p.name, source: p.source.ref })),
};

const YES_NO: Readonly<Record<string, string>> = { true: "yes", false: "no" };

/** The form field of a scenario path, from the schema's label, help and choices. */
function fieldSpec(path: string): FieldSpec {
  const { meta, kind, values } = fieldInfo(path);
  const empty = meta.emptyMeans;
  if (kind === "number" || kind === "text") {
    return {
      path,
      label: meta.title,
      kind,
      help: kind === "number" ? meta.description + NUMBER_HELP : meta.description,
      ...(empty !== undefined ? { placeholder: empty } : {}),
    };
  }
  const listed = meta.catalog
    ? CATALOG_CHOICES[meta.catalog]()
    : (values ?? []).map((value) => ({ value, label: YES_NO[value] ?? value }));
  return {
    path,
    label: meta.title,
    kind,
    help: meta.description,
    choices: [{ value: "", label: empty ?? "default" }, ...listed],
  };
}

function section(
  id: string,
  legend: string,
  fields: readonly string[],
  more: readonly string[],
): SectionSpec {
  return { id, legend, fields: fields.map(fieldSpec), more: more.map(fieldSpec) };
}

const model = (keys: readonly string[]) => keys.map((key) => `model.${key}`);

export const SECTIONS: readonly SectionSpec[] = [
  section(
    "model",
    "Model",
    ["model.preset"],
    [
      ...model(["name", "layers", "hidden", "heads", "kvHeads", "ffnHidden", "vocab"]),
      ...model([
        "moe.experts",
        "moe.expertsPerToken",
        "moe.expertFfnHidden",
        "moe.sharedExperts",
        "moe.denseLayers",
      ]),
      "model.gated",
    ],
  ),
  section(
    "training",
    "Training",
    [
      "training.preset",
      "training.sequenceLength",
      "training.globalBatchTokens",
      "training.tokens",
      "training.precision",
    ],
    ["training.globalBatchSequences", "training.recipe", "training.attentionFlops"],
  ),
  section(
    "cluster",
    "Cluster",
    ["cluster.accelerator", "cluster.gpus"],
    ["cluster.stack", "cluster.scaleOutGbpsPerGpu"],
  ),
  section(
    "serve",
    "Serving (gigacluster serve)",
    [
      "serve.demand.users",
      "serve.demand.requestsPerUserPerDay",
      "serve.demand.inputTokens",
      "serve.demand.outputTokens",
      "serve.slo.ttftSeconds",
      "serve.slo.tpotSeconds",
      "serve.precision",
    ],
    [
      "serve.demand.reasoningTokens",
      "serve.demand.peakToMean",
      "serve.slo.percentile",
      "serve.kvPrecision",
      "serve.prefixCacheHitRate",
      "serve.speculativeTokens",
      "serve.speculativeAcceptance",
      "serve.disaggregated",
      "serve.headroom",
      "serve.stepOverheadSeconds",
      "serve.usdPerGpuHour",
      "serve.replica.tp",
      "serve.replica.pp",
      "serve.replica.ep",
      "serve.replica.batch",
      "serve.replica.contextTokens",
    ],
  ),
  // The growth section's simple fields; its phases and runs (lists) are edited in the YAML editor.
  section(
    "growth",
    "Growth over time (phases and runs: in the YAML editor)",
    ["growth.until", "growth.chipsPerYear"],
    [],
  ),
  section(
    "site",
    "Site and budget (build-out)",
    ["site.preset"],
    [
      "budget.usd",
      "budget.megawatts",
      "budget.chipsPerYear",
      "site.pue",
      "site.electricityUsdPerMegawattHour",
      "site.utilization",
      "site.hardwareYears",
      "site.facilityUsdPerItMegawatt",
      "site.rackKilowatts",
      "site.fabric.leafOversubscription",
      "rent.contractUsd",
      "rent.years",
      "rent.term",
      "rent.price",
      "rent.usdPerGpuHour",
      "rent.financingRatePerYear",
      "rent.staffUsdPerMegawattYear",
    ],
  ),
  section(
    "layout",
    "Layout (empty: searched)",
    [],
    [
      ...SEARCHED_LAYOUT_FIELDS.map((key) => `layout.${key}`),
      "search.maxTp",
      "search.memoryHeadroomGiB",
      "search.top",
    ],
  ),
  section(
    "reliability",
    "Failures and checkpoints",
    ["reliability.preset", "reliability.restartMinutes", "checkpoint.preset", "checkpoint.mode"],
    [
      "reliability.recovery.preset",
      "reliability.rateScale",
      "reliability.detectMinutes",
      "reliability.repairHours",
      "reliability.spares",
      "reliability.shrink",
      "reliability.stragglerSlowdown",
      "checkpoint.interval",
      "checkpoint.aggregateWriteGBps",
      "checkpoint.writeGBpsPerNode",
    ],
  ),
  section(
    "simulation",
    "Simulation and uncertainty",
    ["simulation.trials"],
    ["simulation.days", "simulation.seed", "uncertainty.samples", "uncertainty.seed"],
  ),
];

export const FIELDS: readonly FieldSpec[] = SECTIONS.flatMap((s) => [...s.fields, ...s.more]);

/** The DOM id of a field's input. */
export const fieldId = (path: string) => path.replaceAll(".", "-");

/** The field a scenario error belongs to: its own, its section's preset, or the nearest enclosing one. */
export function fieldForError(path: string): FieldSpec | undefined {
  const exact = FIELDS.find((f) => f.path === path || f.path === `${path}.preset`);
  if (exact) return exact;
  const enclosing = FIELDS.filter((f) => path.startsWith(`${f.path}.`)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
  if (enclosing) return enclosing;
  // A section's own error (site.fabric, budget): its first field.
  return FIELDS.find((f) => f.path.startsWith(`${path}.`));
}
