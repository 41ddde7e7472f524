import { nearestName } from "../catalog/lookup.ts";
import type { Source } from "../catalog/source.ts";
import { InputError } from "../errors.ts";

// Presets for the scenario sections that have no catalog of their own: a name, or { preset, ...fields }
// where the fields override the preset's one by one. Expanded before the schema checks the file.

interface SectionPreset {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly source: Source;
}

export const TRAINING_PRESETS: readonly SectionPreset[] = [
  {
    name: "llama-3-405b-pretraining",
    fields: { sequenceLength: 8192, globalBatchTokens: 16777216, tokens: 15.6e12, precision: "bf16" },
    source: {
      ref: "Llama 3 (arXiv 2407.21783) sections 3.1 and 3.4: 15.6T tokens, 16M-token batches of 8K sequences",
      kind: "paper",
    },
  },
  {
    name: "gpt-3-175b-pretraining",
    fields: { sequenceLength: 2048, globalBatchSequences: 1536, tokens: 300e9, precision: "bf16" },
    source: {
      ref: "Brown et al. 2020 (arXiv 2005.14165) Table 2.1: 3.2M-token batches, 300B tokens",
      kind: "paper",
    },
  },
  {
    name: "deepseek-v3-pretraining",
    fields: { sequenceLength: 4096, globalBatchSequences: 15360, tokens: 14.8e12, precision: "fp8" },
    source: {
      ref: "DeepSeek-V3 report (arXiv 2412.19437) section 4.2: 14.8T tokens, batch 15,360 x 4K, FP8",
      kind: "paper",
    },
  },
];

export const CHECKPOINT_PRESETS: readonly SectionPreset[] = [
  {
    name: "llama-3-tectonic",
    fields: { mode: "sync", aggregateWriteGBps: 2000, aggregateReadGBps: 7000 },
    source: {
      ref: "Llama 3 (arXiv 2407.21783) section 3.3.1: Tectonic, 2 TB/s sustained, 7 TB/s peak",
      kind: "paper",
    },
  },
  {
    name: "async-local",
    fields: { mode: "async", writeGBpsPerNode: 10, aggregateWriteGBps: 100000 },
    source: {
      ref: "estimate: snapshot to host memory, then each node writes to local NVMe at ~10 GB/s",
      kind: "estimate",
    },
  },
  {
    name: "in-memory",
    fields: { mode: "in-memory" },
    source: {
      ref: "in-memory checkpoints kept in a peer's host memory (e.g. Gemini, SOSP 2023)",
      kind: "paper",
    },
  },
];

function expand(value: unknown, section: string, presets: readonly SectionPreset[]): unknown {
  const names = presets.map((p) => p.name);
  const find = (name: unknown, path: string) => {
    const preset = presets.find((p) => p.name === name);
    if (!preset) {
      throw new InputError(
        path,
        name,
        `a ${section} preset (${names.join(", ")})`,
        nearestName(String(name), names),
      );
    }
    return preset.fields;
  };
  if (typeof value === "string") return { ...find(value, section) };
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "preset" in value) {
    const { preset, ...fields } = value as Record<string, unknown>;
    return { ...find(preset, `${section}.preset`), ...fields };
  }
  return value;
}

/** Replaces preset names in the training and checkpoint sections by the fields they stand for. */
export function expandSectionPresets(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const scenario = raw as Record<string, unknown>;
  return {
    ...scenario,
    ...("training" in scenario ? { training: expand(scenario.training, "training", TRAINING_PRESETS) } : {}),
    ...("checkpoint" in scenario
      ? { checkpoint: expand(scenario.checkpoint, "checkpoint", CHECKPOINT_PRESETS) }
      : {}),
  };
}
