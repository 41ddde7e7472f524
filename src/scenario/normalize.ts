import { parse as parseYaml } from "yaml";
import { ACCELERATORS } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { MODELS } from "../catalog/models.ts";
import { defaultStackFor, STACKS } from "../catalog/stacks.ts";
import { InputError } from "../errors.ts";
import type { ModelSpec } from "../model/transformer.ts";
import type { PinnedLayout } from "../parallel/complete-layout.ts";
import type { ClusterSetup, TrainingSetup } from "../parallel/plan-input.ts";
import { toInputError } from "./issues.ts";
import {
  clusterSchema,
  layoutSchema,
  modelObjectSchema,
  type ParsedScenario,
  scenarioSchema,
  trainingSchema,
} from "./schema.ts";

export interface Scenario {
  readonly name: string;
  readonly model: ModelSpec;
  readonly training: TrainingSetup;
  readonly cluster: ClusterSetup;
  /** Layout fields the scenario fixes; the planner chooses the rest. Undefined: no layout given. */
  readonly layout: PinnedLayout | undefined;
}

const sectionKeys: Record<string, readonly string[]> = {
  "": Object.keys(scenarioSchema.shape),
  model: Object.keys(modelObjectSchema.shape),
  training: Object.keys(trainingSchema.shape),
  cluster: Object.keys(clusterSchema.shape),
  layout: Object.keys(layoutSchema.shape),
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
  };
  if (resolved.hidden % resolved.heads !== 0) {
    throw new InputError("model.heads", resolved.heads, `a divisor of model.hidden (${resolved.hidden})`);
  }
  if (resolved.heads % resolved.kvHeads !== 0) {
    throw new InputError("model.kvHeads", resolved.kvHeads, `a divisor of model.heads (${resolved.heads})`);
  }
  return resolved;
}

function resolveTraining(training: ParsedScenario["training"]): TrainingSetup {
  const { sequenceLength, globalBatchSequences, globalBatchTokens } = training;
  if ((globalBatchSequences === undefined) === (globalBatchTokens === undefined)) {
    throw new InputError(
      "training.globalBatchSequences",
      globalBatchSequences,
      "exactly one of training.globalBatchSequences or training.globalBatchTokens",
    );
  }
  let sequences = globalBatchSequences;
  if (sequences === undefined) {
    const tokens = globalBatchTokens ?? 0;
    if (tokens % sequenceLength !== 0) {
      throw new InputError(
        "training.globalBatchTokens",
        tokens,
        `a multiple of training.sequenceLength (${sequenceLength})`,
      );
    }
    sequences = tokens / sequenceLength;
  }
  return {
    sequenceLength,
    globalBatchSequences: sequences,
    tokens: training.tokens,
    precision: training.precision,
    recipe: training.recipe,
    attentionFlops: training.attentionFlops,
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

function resolveLayout(layout: ParsedScenario["layout"], gpus: number): PinnedLayout | undefined {
  if (!layout) return undefined;
  const { dp, ...rest } = layout;
  const modelParallel = layout.tp * layout.pp * layout.cp;
  if (dp !== undefined) return { ...rest, dp };
  if (gpus % modelParallel !== 0) {
    throw new InputError(
      "layout.tp",
      layout.tp,
      `tp x pp x cp (= ${modelParallel}) to divide cluster.gpus (${gpus}) so that dp is a whole number`,
    );
  }
  return { ...rest, dp: gpus / modelParallel };
}

/** Checks a parsed YAML/JSON value against the schema and resolves catalog names. */
export function normalizeScenario(value: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw toInputError(parsed.error, (path) => sectionKeys[path] ?? []);
  const scenario = parsed.data;
  const model = resolveModel(scenario.model);
  const training = resolveTraining(scenario.training);
  const cluster = resolveCluster(scenario.cluster, training.precision);
  return {
    name: scenario.name ?? `${model.name} on ${cluster.gpus} ${cluster.accelerator.name}`,
    model,
    training,
    cluster,
    layout: resolveLayout(scenario.layout, cluster.gpus),
  };
}

export function loadScenario(text: string): Scenario {
  return normalizeScenario(parseScenarioText(text));
}
