import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import type { Accelerator } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { MODELS } from "../catalog/models.ts";
import { InputError } from "../errors.ts";
import { PRECISION_FORMATS, type Precision } from "../model/precision.ts";
import type { ModelSpec } from "../model/transformer.ts";
import type { Layout } from "../parallel/layout.ts";
import type { ClusterSetup, TrainingSetup } from "../parallel/plan-input.ts";
import type { SearchConstraints } from "../parallel/search.ts";
import { formatNumber, GiB } from "../units.ts";
import { fieldInfo } from "./field-meta.ts";
import { expandSectionPresets } from "./presets.ts";
import { type FacilitySetup, resolveFacility } from "./resolve-facility.ts";
import { resolveAccelerator, userSource } from "./resolve-hardware.ts";
import { type RunSettings, resolveRunSettings } from "./resolve-run-settings.ts";
import { resolveStackSection } from "./resolve-stack.ts";
import {
  acceleratorObjectSchema,
  budgetSchema,
  checkpointSchema,
  clusterSchema,
  layoutSchema,
  mlaSchema,
  modelObjectSchema,
  moeSchema,
  type ParsedScenario,
  platformObjectSchema,
  reliabilitySchema,
  scenarioSchema,
  searchSchema,
  type serveSchema,
  simulationSchema,
  siteObjectSchema,
  trainingSchema,
} from "./schema.ts";
import { toInputError } from "./schema-issues.ts";
import { findUncertain, quantile, withValues } from "./uncertain-values.ts";

export interface Scenario {
  readonly name: string;
  /** Model and training: what `plan` needs (absent in a build-out-only scenario). */
  readonly model?: ModelSpec;
  readonly training?: TrainingSetup;
  /** Layout fields, batch range and limits the layout search works within. */
  readonly search?: SearchConstraints;
  /** The cluster but its size: the build-out sizes it (facility.size). */
  readonly cluster: Omit<ClusterSetup, "gpus">;
  /** The site, the budget and what sizes the cluster; the generic site when the scenario names none. */
  readonly facility: FacilitySetup;
  /** Failures, checkpoints and Monte Carlo settings for the run simulation (defaults when absent). */
  readonly run: RunSettings;
  /** A demand to serve and how (the `serve` command). */
  readonly serve?: ServeSettings;
}

/** The serve section, its defaults filled and its precision checked against the accelerator. */
export type ServeSettings = Omit<z.output<typeof serveSchema>, "precision"> & {
  readonly precision: Precision;
};

function resolveServe(
  section: z.output<typeof serveSchema>,
  accelerator: Accelerator,
  model: ModelSpec | undefined,
): ServeSettings {
  const precision: Precision = section.precision ?? (accelerator.fp8DenseFlops > 0 ? "fp8" : "bf16");
  checkPrecision(accelerator, precision, "megatron", "serve.precision");
  const { replica, demand } = section;
  if (replica?.ep !== undefined) {
    if (!model?.moe && replica.ep !== 1)
      throw new InputError("serve.replica.ep", replica.ep, "1 for a dense model (it has no experts)");
    const gpus = (replica.tp ?? 1) * (replica.pp ?? 1);
    if (model?.moe && (replica.tp === undefined || replica.pp === undefined || gpus % replica.ep !== 0))
      throw new InputError(
        "serve.replica.ep",
        replica.ep,
        "a divisor of the replica's GPUs, with serve.replica.tp and serve.replica.pp pinned beside it",
      );
  }
  const sequence = demand.inputTokens + demand.outputTokens + demand.reasoningTokens;
  if (replica?.contextTokens !== undefined && replica.contextTokens < sequence)
    throw new InputError(
      "serve.replica.contextTokens",
      replica.contextTokens,
      `at least the demand's input + output + reasoning tokens (${sequence})`,
    );
  return { ...section, precision };
}

const sectionKeys: Record<string, readonly string[]> = {
  "": Object.keys(scenarioSchema.shape),
  model: Object.keys(modelObjectSchema.shape),
  training: Object.keys(trainingSchema.shape),
  cluster: Object.keys(clusterSchema.shape),
  "cluster.accelerator": Object.keys(acceleratorObjectSchema.shape),
  layout: Object.keys(layoutSchema.shape),
  "model.moe": Object.keys(moeSchema.shape),
  "model.mla": Object.keys(mlaSchema.shape),
  search: Object.keys(searchSchema.shape),
  site: Object.keys(siteObjectSchema.shape),
  "site.accelerator": Object.keys(acceleratorObjectSchema.shape),
  "site.platform": Object.keys(platformObjectSchema.shape),
  budget: Object.keys(budgetSchema.shape),
  reliability: Object.keys(reliabilitySchema.shape),
  checkpoint: Object.keys(checkpointSchema.shape),
  simulation: Object.keys(simulationSchema.shape),
};

/** Parses YAML or JSON text (JSON is YAML) into a plain value, refusing alias bombs and empty files. */
export function parseScenarioText(text: string): unknown {
  if (text.trim() === "")
    throw new InputError("", "", "a scenario with model, training and cluster sections");
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100, prettyErrors: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError("", "unparseable text", `valid YAML or JSON (${message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError("", value, "a scenario with model, training and cluster sections");
  }
  return value;
}

function resolveModel(model: NonNullable<ParsedScenario["model"]>): ModelSpec {
  if (typeof model === "string") return lookup(MODELS, model, "model", "model");
  const base = model.preset ? lookup(MODELS, model.preset, "model.preset", "model") : undefined;
  const pick = <K extends keyof ModelSpec>(key: K): ModelSpec[K] | undefined =>
    (model[key as keyof typeof model] as ModelSpec[K] | undefined) ?? base?.[key];
  const required = <K extends keyof ModelSpec>(key: K): ModelSpec[K] => {
    const value = pick(key);
    if (value === undefined)
      throw new InputError(`model.${key}`, undefined, `a value (or a model.preset to take it from)`);
    return value;
  };
  const heads = required("heads");
  const resolved: ModelSpec = {
    name: model.name ?? (base ? `${base.name}-custom` : "custom"),
    layers: required("layers"),
    hidden: required("hidden"),
    heads,
    kvHeads: pick("kvHeads") ?? heads,
    ffnHidden: required("ffnHidden"),
    gated: pick("gated") ?? false,
    vocab: required("vocab"),
    tiedEmbeddings: pick("tiedEmbeddings") ?? false,
    dropout: pick("dropout") ?? false,
    ...(pick("moe") ? { moe: pick("moe") } : {}),
    ...(pick("mla") ? { mla: pick("mla") } : {}),
  };
  const moe = resolved.moe;
  if (moe && moe.expertsPerToken > moe.experts) {
    throw new InputError(
      "model.moe.expertsPerToken",
      moe.expertsPerToken,
      `at most model.moe.experts (${moe.experts})`,
    );
  }
  if (moe && moe.denseLayers >= resolved.layers) {
    throw new InputError(
      "model.moe.denseLayers",
      moe.denseLayers,
      `fewer than model.layers (${resolved.layers})`,
    );
  }
  if (resolved.hidden % resolved.heads !== 0) {
    throw new InputError("model.heads", resolved.heads, `a divisor of model.hidden (${resolved.hidden})`);
  }
  if (resolved.heads % resolved.kvHeads !== 0) {
    throw new InputError("model.kvHeads", resolved.kvHeads, `a divisor of model.heads (${resolved.heads})`);
  }
  return resolved;
}

type CountOrRange = number | { min: number; max: number };

function asRange(value: CountOrRange): { min: number; max: number } {
  return typeof value === "number" ? { min: value, max: value } : value;
}

/** The training setup (at the largest batch allowed) and the batch range in sequences. */
function resolveTraining(training: NonNullable<ParsedScenario["training"]>): {
  setup: TrainingSetup;
  batch: { min: number; max: number };
} {
  const { sequenceLength, globalBatchSequences, globalBatchTokens } = training;
  if ((globalBatchSequences === undefined) === (globalBatchTokens === undefined)) {
    throw new InputError(
      "training.globalBatchSequences",
      globalBatchSequences,
      "exactly one of training.globalBatchSequences or training.globalBatchTokens",
    );
  }
  let batch: { min: number; max: number };
  if (globalBatchSequences !== undefined) {
    batch = asRange(globalBatchSequences);
  } else {
    const tokens = asRange(globalBatchTokens as CountOrRange);
    if (tokens.max % sequenceLength !== 0 || tokens.min % sequenceLength !== 0) {
      throw new InputError(
        "training.globalBatchTokens",
        tokens.max % sequenceLength !== 0 ? tokens.max : tokens.min,
        `a multiple of training.sequenceLength (${sequenceLength})`,
      );
    }
    batch = { min: tokens.min / sequenceLength, max: tokens.max / sequenceLength };
  }
  if (batch.min > batch.max) {
    throw new InputError("training.globalBatchSequences.min", batch.min, `at most the max (${batch.max})`);
  }
  return {
    setup: {
      sequenceLength,
      globalBatchSequences: batch.max,
      tokens: training.tokens,
      precision: training.precision,
      recipe: training.recipe,
      attentionFlops: training.attentionFlops,
    },
    batch,
  };
}

function checkPrecision(
  accelerator: Accelerator,
  precision: TrainingSetup["precision"],
  recipe: TrainingSetup["recipe"],
  path = "training.precision",
): void {
  if (recipe === "megatron-fp8-params" && precision === "bf16") {
    throw new InputError(
      "training.recipe",
      recipe,
      "megatron or pytorch-amp (low-precision weights need precision fp8, mxfp8 or nvfp4)",
    );
  }
  const format = PRECISION_FORMATS[precision];
  const rate = format.gemmRate === "fp4" ? accelerator.fp4DenseFlops : accelerator.fp8DenseFlops;
  if (format.gemmRate !== "bf16" && rate === 0) {
    throw new InputError(
      path,
      precision,
      `bf16 (${accelerator.name} has no ${format.gemmRate.toUpperCase()} tensor cores)`,
    );
  }
  if (format.blockScaled && accelerator.fp4DenseFlops === 0) {
    throw new InputError(
      path,
      precision,
      `bf16 or fp8 (${accelerator.name} has no block-scaled tensor cores for ${precision})`,
    );
  }
}

function resolveSearch(
  scenario: ParsedScenario,
  accelerator: Accelerator,
  batch: { min: number; max: number },
): SearchConstraints {
  const layout = scenario.layout === "auto" || scenario.layout === undefined ? {} : scenario.layout;
  const pinned: Partial<Layout> = Object.fromEntries(
    Object.entries(layout).filter(([, value]) => value !== undefined),
  );
  const search = scenario.search ?? { top: 5 };
  const maxTp = search.maxTp ?? accelerator.scaleUpDomainGpus;
  if (pinned.tp !== undefined && pinned.tp > maxTp) {
    throw new InputError("layout.tp", pinned.tp, `at most search.maxTp (${maxTp})`);
  }
  const headroomBytes = search.memoryHeadroomGiB === undefined ? undefined : search.memoryHeadroomGiB * GiB;
  if (headroomBytes !== undefined && headroomBytes >= accelerator.hbmBytes) {
    throw new InputError(
      "search.memoryHeadroomGiB",
      search.memoryHeadroomGiB,
      `less than the ${(accelerator.hbmBytes / GiB).toFixed(1)} GiB of ${accelerator.name}`,
    );
  }
  return { pinned, maxTp, memoryHeadroomBytes: headroomBytes, batch, top: search.top };
}

/**
 * A bad figure of the user's own hardware says the unit its field is in (`hbmGB: 96e9` is bytes
 * given as GB): those fields are the only ones whose catalog figures are in other units.
 */
function withUnit(error: InputError): InputError {
  const match = /^(?:cluster|site)\.(accelerator|platform)\.(\w+)$/.exec(error.path);
  const section = match?.[1] === "platform" ? platformObjectSchema : acceleratorObjectSchema;
  if (!match?.[2] || !Object.hasOwn(section.shape, match[2])) return error;
  const unit = fieldInfo(error.path).meta.unit;
  if (unit === undefined) return error;
  return new InputError(
    error.path,
    error.value,
    `${error.expected} (${match[2]} is in ${unit})`,
    error.suggestion,
  );
}

/** Checks a parsed YAML/JSON value against the schema and resolves catalog names. */
export function normalizeScenario(value: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(expandSectionPresets(value), { reportInput: true });
  if (!parsed.success) throw withUnit(toInputError(parsed.error, (path) => sectionKeys[path] ?? []));
  const scenario = parsed.data;
  const named = resolveAccelerator(scenario);
  const nicGbps = scenario.cluster.scaleOutGbpsPerGpu;
  const accelerator: Accelerator =
    nicGbps === undefined
      ? named
      : {
          ...named,
          scaleOutGbps: nicGbps,
          sources: { ...named.sources, scaleOutGbps: userSource("cluster.scaleOutGbpsPerGpu", nicGbps) },
        };
  const model = scenario.model === undefined ? undefined : resolveModel(scenario.model);
  const resolved = scenario.training === undefined ? undefined : resolveTraining(scenario.training);
  const { stack, hardware } = resolveStackSection(scenario.cluster.stack, accelerator.generation);
  checkPrecision(accelerator, resolved?.setup.precision ?? "bf16", resolved?.setup.recipe ?? "megatron");
  const facility = resolveFacility(scenario, accelerator);
  const size = facility.size.by === "gpus" ? formatNumber(facility.size.gpus) : "a budget's worth of";
  const subject = model?.name ?? (facility.stated ? facility.site.displayName : "cluster");
  return {
    name: scenario.name ?? `${subject} on ${size} ${accelerator.name}`,
    ...(model ? { model } : {}),
    ...(resolved
      ? { training: resolved.setup, search: resolveSearch(scenario, accelerator, resolved.batch) }
      : {}),
    cluster: { accelerator, stack, hardware },
    facility,
    run: resolveRunSettings(scenario),
    ...(scenario.serve ? { serve: resolveServe(scenario.serve, accelerator, model) } : {}),
  };
}

/** Ranges and distributions in a scenario file are planned at their medians (see uncertainty.ts). */
export function loadScenario(text: string): Scenario {
  return scenarioAtMedians(parseScenarioText(text));
}

/** A parsed scenario file with its ranges and distributions set to their medians, normalized. */
export function scenarioAtMedians(raw: unknown): Scenario {
  const uncertain = findUncertain(raw);
  if (uncertain.length === 0) return normalizeScenario(raw);
  return normalizeScenario(
    withValues(raw, new Map(uncertain.map((u) => [u.path, quantile(u.distribution, 0.5)]))),
  );
}
