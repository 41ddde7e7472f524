import { parse as parseYaml } from "yaml";
import { ACCELERATORS } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { MODELS } from "../catalog/models.ts";
import { defaultStackFor, STACKS } from "../catalog/stacks.ts";
import { InputError } from "../errors.ts";
import type { ModelSpec } from "../model/transformer.ts";
import type { Layout } from "../parallel/layout.ts";
import type { ClusterSetup, TrainingSetup } from "../parallel/plan-input.ts";
import type { SearchConstraints } from "../parallel/search.ts";
import { toInputError } from "./issues.ts";
import {
  clusterSchema,
  layoutSchema,
  mlaSchema,
  modelObjectSchema,
  moeSchema,
  type ParsedScenario,
  scenarioSchema,
  searchSchema,
  trainingSchema,
} from "./schema.ts";

export interface Scenario {
  readonly name: string;
  readonly model: ModelSpec;
  readonly training: TrainingSetup;
  readonly cluster: ClusterSetup;
  /** Layout fields, batch range and limits the layout search works within. */
  readonly search: SearchConstraints;
}

const sectionKeys: Record<string, readonly string[]> = {
  "": Object.keys(scenarioSchema.shape),
  model: Object.keys(modelObjectSchema.shape),
  training: Object.keys(trainingSchema.shape),
  cluster: Object.keys(clusterSchema.shape),
  layout: Object.keys(layoutSchema.shape),
  "model.moe": Object.keys(moeSchema.shape),
  "model.mla": Object.keys(mlaSchema.shape),
  search: Object.keys(searchSchema.shape),
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

function resolveModel(model: ParsedScenario["model"]): ModelSpec {
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
function resolveTraining(training: ParsedScenario["training"]): {
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

function resolveCluster(
  cluster: ParsedScenario["cluster"],
  precision: TrainingSetup["precision"],
): ClusterSetup {
  const accelerator = lookup(ACCELERATORS, cluster.accelerator, "cluster.accelerator", "accelerator");
  const stack = cluster.stack
    ? lookup(STACKS, cluster.stack, "cluster.stack", "calibration stack")
    : defaultStackFor(accelerator.generation);
  if (stack.generation !== accelerator.generation) {
    throw new InputError(
      "cluster.stack",
      stack.name,
      `a calibration for the ${accelerator.generation} generation`,
    );
  }
  if (precision === "fp8" && accelerator.fp8DenseFlops === 0) {
    throw new InputError(
      "training.precision",
      precision,
      `bf16 (${accelerator.name} has no FP8 tensor cores)`,
    );
  }
  return { accelerator, gpus: cluster.gpus, stack };
}

function resolveSearch(
  scenario: ParsedScenario,
  cluster: ClusterSetup,
  batch: { min: number; max: number },
): SearchConstraints {
  const layout = scenario.layout === "auto" || scenario.layout === undefined ? {} : scenario.layout;
  const pinned: Partial<Layout> = Object.fromEntries(
    Object.entries(layout).filter(([, value]) => value !== undefined),
  );
  const search = scenario.search ?? { memoryHeadroomGiB: 0, top: 5 };
  const maxTp = search.maxTp ?? cluster.accelerator.scaleUpDomainGpus;
  if (pinned.tp !== undefined && pinned.tp > maxTp) {
    throw new InputError("layout.tp", pinned.tp, `at most search.maxTp (${maxTp})`);
  }
  const headroomBytes = search.memoryHeadroomGiB * 1024 ** 3;
  if (headroomBytes >= cluster.accelerator.hbmBytes) {
    throw new InputError(
      "search.memoryHeadroomGiB",
      search.memoryHeadroomGiB,
      `less than the ${(cluster.accelerator.hbmBytes / 1024 ** 3).toFixed(1)} GiB of ${cluster.accelerator.name}`,
    );
  }
  return { pinned, maxTp, memoryHeadroomBytes: headroomBytes, batch, top: search.top };
}

/** Checks a parsed YAML/JSON value against the schema and resolves catalog names. */
export function normalizeScenario(value: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw toInputError(parsed.error, (path) => sectionKeys[path] ?? []);
  const scenario = parsed.data;
  const model = resolveModel(scenario.model);
  const { setup: training, batch } = resolveTraining(scenario.training);
  const cluster = resolveCluster(scenario.cluster, training.precision);
  return {
    name: scenario.name ?? `${model.name} on ${cluster.gpus} ${cluster.accelerator.name}`,
    model,
    training,
    cluster,
    search: resolveSearch(scenario, cluster, batch),
  };
}

export function loadScenario(text: string): Scenario {
  return normalizeScenario(parseScenarioText(text));
}
