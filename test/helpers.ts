import { ACCELERATORS } from "../src/catalog/accelerators.ts";
import { FAILURE_MIXES } from "../src/catalog/failure-mixes.ts";
import { lookup } from "../src/catalog/lookup.ts";
import { droplessMoe, MODELS } from "../src/catalog/models.ts";
import { NETWORK_GEAR } from "../src/catalog/network-gear.ts";
import { PLATFORMS } from "../src/catalog/platforms.ts";
import { SITES } from "../src/catalog/sites.ts";
import { calibrationFor } from "../src/catalog/stacks.ts";
import { main } from "../src/cli/main.ts";
import { buildout } from "../src/facility/buildout.ts";
import type { ModelSpec } from "../src/model/transformer.ts";
import type { Layout } from "../src/parallel/layout.ts";
import type { PlanInput } from "../src/parallel/plan-input.ts";
import type { CheckpointSettings, ReliabilitySettings, RunInput } from "../src/reliability/simulate.ts";

export function model(name: string) {
  return lookup(MODELS, name, "model", "model");
}

export function accelerator(name: string) {
  return lookup(ACCELERATORS, name, "accelerator", "accelerator");
}

/** Llama 3 405B on 16,384 H100s as Meta ran it at 8K context (Table 4, second row). */
export function llama405bInput(overrides: Partial<Layout> = {}): PlanInput {
  const h100 = accelerator("h100-sxm");
  return {
    model: model("llama-3-405b"),
    training: {
      sequenceLength: 8192,
      globalBatchSequences: 2048,
      tokens: 15.6e12,
      precision: "bf16",
      recipe: "megatron",
      attentionFlops: "full",
    },
    cluster: { accelerator: h100, gpus: 16384, ...calibrationFor(h100) },
    layout: {
      tp: 8,
      pp: 16,
      cp: 1,
      dp: 128,
      ep: 1,
      microBatch: 1,
      virtualStages: 7,
      recompute: "none",
      zero: 2,
      sequenceParallel: true,
      ...overrides,
    },
  };
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual / expected - 1);
}

/** Llama 3's failure mix with the 2024 baseline's detection, restart and repair (the tests' default). */
export function llama3Reliability(overrides: Partial<ReliabilitySettings> = {}): ReliabilitySettings {
  return {
    mix: lookup(FAILURE_MIXES, "llama-3", "", ""),
    rateScale: 1,
    detectSeconds: 180,
    restartSeconds: 600,
    spares: true,
    repairSeconds: 4 * 3600,
    shrink: false,
    stragglerSlowdown: 0,
    ...overrides,
  };
}

/** Llama 3's Tectonic store (arXiv 2407.21783, section 3.3.1): 2 TB/s sustained writes, 7 TB/s reads. */
export const TECTONIC_STORAGE: CheckpointSettings["storage"] = {
  writeBytesPerSecondPerNode: 25e9,
  readBytesPerSecondPerNode: 25e9,
  aggregateWriteBytesPerSecond: 2e12,
  aggregateReadBytesPerSecond: 7e12,
  hostCopyBytesPerSecondPerGpu: 25e9,
};

/** The CLI in process, as a user runs it: exit code and what it printed (each line ending in a newline). */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (text) => out.push(`${text}\n`),
    err: (text) => err.push(`${text}\n`),
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/**
 * The simulation bench's run (bench/simulate.bench.ts): 200,000 H100 on Colossus's site and fabric,
 * 1,000 data-parallel replicas, a 1.8T-parameter checkpoint; thousands of interruptions a trial.
 */
export function benchRun200k(): RunInput {
  const gpus = 200_000;
  return {
    gpus,
    gpusPerNode: 8,
    gpusPerRack: 8,
    dataParallel: 1000,
    stepSeconds: 5,
    checkpointBytes: 1.8e12 * 14,
    peerBytesPerSecondPerGpu: 40e9,
    buildout: buildout({
      accelerator: accelerator("h100-sxm"),
      platform: lookup(PLATFORMS, "hgx-h100-liquid", "", ""),
      gear: lookup(NETWORK_GEAR, "spectrum-x", "", ""),
      site: lookup(SITES, "colossus-200k", "", ""),
      gpus,
    }),
  };
}

/** Asynchronous checkpoints at Daly's interval to the Tectonic store. */
export const ASYNC_DALY_CHECKPOINT: CheckpointSettings = {
  mode: "async",
  interval: "daly",
  storage: TECTONIC_STORAGE,
};

/**
 * An illustrative 1.8-trillion-parameter MoE of the size NVIDIA uses in its Blackwell material
 * ("GPT-MoE-1.8T"); its exact architecture is not published, so this one is assumed.
 */
export const GPT_MOE_1_8T: ModelSpec = {
  name: "gpt-moe-1.8t (illustrative)",
  layers: 128,
  hidden: 10240,
  heads: 80,
  kvHeads: 8,
  ffnHidden: 28672,
  gated: true,
  vocab: 100000,
  tiedEmbeddings: false,
  dropout: false,
  moe: droplessMoe(16, 2, 28672),
};
