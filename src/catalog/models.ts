import type { MixtureOfExperts, ModelSpec } from "../model/transformer.ts";
import type { Source } from "./source.ts";

export interface CatalogModel extends ModelSpec {
  readonly displayName: string;
  readonly source: Source;
}

const narayanan: Source = {
  ref: "Narayanan et al. 2021, Megatron-LM (SC'21, arXiv 2104.04473), Table 1; Megatron-LM README (April 2021)",
  kind: "paper",
  note: "vocab 51,200, GPT architecture with 4h GeLU MLP and tied embeddings; head counts other than 3.6B, 18B, 39B, 530B, 1T are the commonly quoted values",
};
const megatronCore: Source = {
  ref: "Megatron-LM repository README (2025), H100 weak-scaling table",
  kind: "paper",
  note: "vocab 131,072, GPT with 4h GeLU MLP; untied output layer (matches the quoted parameter counts)",
};
const llama3: Source = {
  ref: "Llama 3 Herd of Models (arXiv 2407.21783, July 2024), Table 3; vocab 128,256 from the released tokenizer config",
  kind: "paper",
};
const llama32: Source = {
  ref: "Llama 3.2 model cards and config.json (Meta, September 2024)",
  kind: "vendor",
};

function gpt(
  name: string,
  displayName: string,
  layers: number,
  hidden: number,
  heads: number,
  vocab: number,
  tiedEmbeddings: boolean,
  source: Source,
): CatalogModel {
  return {
    name,
    displayName,
    layers,
    hidden,
    heads,
    kvHeads: heads,
    ffnHidden: 4 * hidden,
    gated: false,
    vocab,
    tiedEmbeddings,
    dropout: true,
    source,
  };
}

function llama(
  name: string,
  displayName: string,
  shape: Pick<
    ModelSpec,
    "layers" | "hidden" | "heads" | "kvHeads" | "ffnHidden" | "vocab" | "tiedEmbeddings"
  >,
  source: Source,
): CatalogModel {
  return { name, displayName, ...shape, gated: true, dropout: false, source };
}

const megatronTable1: readonly [string, number, number, number][] = [
  ["1.7b", 24, 2304, 24],
  ["3.6b", 30, 3072, 32],
  ["7.5b", 36, 4096, 32],
  ["18b", 40, 6144, 48],
  ["39b", 48, 8192, 64],
  ["76b", 60, 10240, 80],
  ["145b", 80, 12288, 96],
  ["310b", 96, 16384, 128],
  ["530b", 105, 20480, 128],
  ["1t", 128, 25600, 160],
];

const megatronCoreTable: readonly [string, number, number, number][] = [
  ["1.7b", 24, 2048, 16],
  ["7.1b", 30, 4096, 32],
  ["16b", 32, 6144, 48],
  ["32b", 48, 7168, 56],
  ["70b", 84, 8192, 64],
  ["119b", 92, 10240, 80],
  ["177b", 96, 12288, 96],
  ["314b", 96, 16384, 128],
  ["462b", 112, 18432, 144],
];

/** A plain mixture of experts: every layer, no shared experts, dropless, balanced. */
export function droplessMoe(
  experts: number,
  expertsPerToken: number,
  expertFfnHidden: number,
): MixtureOfExperts {
  return {
    experts,
    expertsPerToken,
    expertFfnHidden,
    sharedExperts: 0,
    denseLayers: 0,
    layerInterval: 1,
    capacityFactor: 0,
    loadImbalance: 1,
    maxNodesPerToken: 0,
  };
}

export const MODELS: readonly CatalogModel[] = [
  gpt("gpt-3-175b", "GPT-3 175B", 96, 12288, 96, 50257, true, {
    ref: "Brown et al. 2020, Language Models are Few-Shot Learners (arXiv 2005.14165), Table 2.1",
    kind: "paper",
    note: "GPT-2 BPE vocabulary of 50,257; context 2,048",
  }),
  gpt("bloom-176b", "BLOOM 176B", 70, 14336, 112, 250880, true, {
    ref: "bigscience-workshop/bigscience, train/tr11-176B-ml/README.md (2022): 70 layers, hidden 14336, 112 heads, padded vocabulary 250,880",
    kind: "paper",
    note: "ALiBi positions and an embedding LayerNorm; GeLU MLP of 4h",
  }),
  gpt("megatron-22b", "Megatron 22B (Korthikanti et al.)", 48, 6144, 64, 51200, true, {
    ref: "Korthikanti et al. 2022, Reducing Activation Recomputation (arXiv 2205.05198), Table 3",
    kind: "paper",
  }),
  ...megatronTable1.map(([size, layers, hidden, heads]) =>
    gpt(
      `megatron-lm-${size}`,
      `Megatron-LM ${size.toUpperCase()} (2021)`,
      layers,
      hidden,
      heads,
      51200,
      true,
      narayanan,
    ),
  ),
  ...megatronCoreTable.map(([size, layers, hidden, heads]) =>
    gpt(
      `megatron-core-${size}`,
      `Megatron-Core ${size.toUpperCase()} (H100 table)`,
      layers,
      hidden,
      heads,
      131072,
      false,
      megatronCore,
    ),
  ),
  llama(
    "llama-3-8b",
    "Llama 3 8B",
    {
      layers: 32,
      hidden: 4096,
      heads: 32,
      kvHeads: 8,
      ffnHidden: 14336,
      vocab: 128256,
      tiedEmbeddings: false,
    },
    llama3,
  ),
  llama(
    "llama-3-70b",
    "Llama 3 70B",
    {
      layers: 80,
      hidden: 8192,
      heads: 64,
      kvHeads: 8,
      ffnHidden: 28672,
      vocab: 128256,
      tiedEmbeddings: false,
    },
    llama3,
  ),
  llama(
    "llama-2-70b",
    "Llama 2 70B",
    {
      layers: 80,
      hidden: 8192,
      heads: 64,
      kvHeads: 8,
      ffnHidden: 28672,
      vocab: 32000,
      tiedEmbeddings: false,
    },
    {
      ref: "Touvron et al. 2023, Llama 2 (arXiv 2307.09288), Table 1 and Sec. 2.2 (GQA with 8 KV heads on 70B); hidden, FFN width and vocab from the released config.json",
      kind: "paper",
    },
  ),
  llama(
    "llama-3-405b",
    "Llama 3 405B",
    {
      layers: 126,
      hidden: 16384,
      heads: 128,
      kvHeads: 8,
      ffnHidden: 53248,
      vocab: 128256,
      tiedEmbeddings: false,
    },
    llama3,
  ),
  llama(
    "llama-3.2-1b",
    "Llama 3.2 1B",
    { layers: 16, hidden: 2048, heads: 32, kvHeads: 8, ffnHidden: 8192, vocab: 128256, tiedEmbeddings: true },
    llama32,
  ),
  llama(
    "llama-3.2-3b",
    "Llama 3.2 3B",
    { layers: 28, hidden: 3072, heads: 24, kvHeads: 8, ffnHidden: 8192, vocab: 128256, tiedEmbeddings: true },
    llama32,
  ),
  llama(
    "tinyllama-1.1b",
    "TinyLlama 1.1B",
    { layers: 22, hidden: 2048, heads: 32, kvHeads: 4, ffnHidden: 5632, vocab: 32000, tiedEmbeddings: false },
    {
      ref: "Zhang et al. 2024, TinyLlama (arXiv 2401.02385), Table 1; config.json of TinyLlama-1.1B",
      kind: "paper",
    },
  ),
  {
    name: "mixtral-8x7b",
    displayName: "Mixtral 8x7B",
    layers: 32,
    hidden: 4096,
    heads: 32,
    kvHeads: 8,
    ffnHidden: 14336,
    gated: true,
    vocab: 32000,
    tiedEmbeddings: false,
    dropout: false,
    moe: droplessMoe(8, 2, 14336),
    source: {
      ref: "Jiang et al. 2024, Mixtral of Experts (arXiv 2401.04088); config.json of Mixtral-8x7B-v0.1",
      kind: "paper",
      note: "46.7 B total, 12.9 B active",
    },
  },
  {
    name: "mixtral-8x22b",
    displayName: "Mixtral 8x22B",
    layers: 56,
    hidden: 6144,
    heads: 48,
    kvHeads: 8,
    ffnHidden: 16384,
    gated: true,
    vocab: 32000,
    tiedEmbeddings: false,
    dropout: false,
    moe: droplessMoe(8, 2, 16384),
    source: {
      ref: "Mistral AI announcement (17 April 2024): 141 B total, 39 B active; config.json of Mixtral-8x22B-v0.1",
      kind: "vendor",
      note: "vocab 32,000 as in v0.1 (later versions use 32,768)",
    },
  },
  {
    name: "grok-1",
    displayName: "Grok-1 (open weights)",
    layers: 64,
    hidden: 6144,
    heads: 48,
    kvHeads: 8,
    ffnHidden: 32768,
    gated: true,
    vocab: 131072,
    tiedEmbeddings: true,
    dropout: false,
    moe: droplessMoe(8, 2, 32768),
    source: {
      ref: "xai-org/grok-1 repository (March 2024): run.py and model.py",
      kind: "vendor",
      note: "emb 6144, 64 layers, 48 query / 8 KV heads, widening factor 8 -> 32,768 gated FFN, 8 experts, 2 active, tied embeddings; 314 B",
    },
  },
  {
    name: "deepseek-v3",
    displayName: "DeepSeek-V3",
    layers: 61,
    hidden: 7168,
    heads: 128,
    kvHeads: 128,
    ffnHidden: 18432,
    gated: true,
    vocab: 129280,
    tiedEmbeddings: false,
    dropout: false,
    moe: {
      experts: 256,
      expertsPerToken: 8,
      expertFfnHidden: 2048,
      sharedExperts: 1,
      denseLayers: 3,
      layerInterval: 1,
      capacityFactor: 0,
      loadImbalance: 1,
      maxNodesPerToken: 4,
    },
    mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
    source: {
      ref: "DeepSeek-AI 2024, DeepSeek-V3 Technical Report (arXiv 2412.19437), section 4.2; config.json",
      kind: "paper",
      note: "671 B total, 37 B active; the multi-token-prediction module (11.5 B) is not modelled",
    },
  },
];
