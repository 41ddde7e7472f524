import type { Source } from "../catalog/source.ts";
import type { Precision, Recipe } from "../model/precision.ts";
import type { Layout } from "../parallel/layout.ts";
import { SECONDS_PER_HOUR } from "../units.ts";

/** How a source counted FLOPs, so its TFLOP/s can be turned back into a step time. */
export interface FlopConvention {
  readonly attention: "causal" | "full";
  /** Hardware FLOPs: the recomputed forward is counted (Narayanan et al. 2021, eq. 3). */
  readonly countsRecompute: boolean;
  readonly description: string;
}

export type PublishedFigure =
  | { readonly kind: "stepSeconds"; readonly value: number }
  /** Throughput per GPU: needs no FLOP convention. */
  | { readonly kind: "tokensPerSecondPerGpu"; readonly value: number }
  | { readonly kind: "tflopsPerGpu"; readonly value: number; readonly convention: FlopConvention };

export interface PublishedRun {
  readonly id: string;
  readonly group: string;
  readonly source: Source;
  readonly model: string;
  /** Fields that differ from the catalog model as the source ran it. */
  readonly modelOverrides?: { readonly vocab?: number; readonly dropout?: boolean };
  readonly accelerator: string;
  readonly stack: string;
  /** Scale-out NIC rate per GPU where the cluster differs from the accelerator's usual one. */
  readonly scaleOutGbps?: number;
  readonly gpus: number;
  readonly sequenceLength: number;
  readonly globalBatchSequences: number;
  /** Layout fields the source states. The rest are free and filled by searching them. */
  readonly layout: Partial<Layout>;
  readonly published: PublishedFigure;
  /** Training precision (default bf16). FP8 and MoE runs are held out of the calibration fit. */
  readonly precision?: Precision;
  /** What the run keeps per parameter (default megatron). */
  readonly recipe?: Recipe;
  /** Lower weight when the source leaves part of the setup unconfirmed. */
  readonly confidence: "stated" | "partly-inferred";
  readonly notes?: string;
  /** Korthikanti et al. Fig. 1, GiB per GPU. */
  readonly memoryGiB?: { readonly modelStates: number; readonly activations: number };
  /** Peak memory per GPU the source reports, GiB (a check of the total, allocator included). */
  readonly peakMemoryGiB?: number;
}

const narayananConvention: FlopConvention = {
  attention: "full",
  countsRecompute: true,
  description: "96 B s l h^2 (1 + s/6h + V/16lh): full attention, recomputed forward counted (eq. 3)",
};
const megatronCoreConvention: FlopConvention = {
  attention: "full",
  countsRecompute: false,
  description:
    "Megatron num_floating_point_operations (2024): 72 B s l h^2 (1 + s/6h + V/12lh), full attention",
};
const palmConvention: FlopConvention = {
  attention: "full",
  countsRecompute: false,
  description: "BF16 MFU after Chowdhery et al. (PaLM, App. B): 6N + 12 L H Q T per token, full attention",
};

const narayanan: Source = {
  ref: "Narayanan et al. 2021 (SC'21, arXiv 2104.04473), Table 1 and section 5.1; micro-batch and interleaving from the paper's run script, NVIDIA/Megatron-LM examples/sc21/run_table_1.sh @79a3bb6 (MBS, --num-layers-per-virtual-pipeline-stage)",
  kind: "paper",
  note: "A100 80GB Selene, full activation recomputation (--recompute-method uniform, every layer), fp16, sequence 2048; the script interleaves 76B-530B only (39B has pp 2, 1T sets no virtual stage)",
};
const korthikanti: Source = {
  ref: "Korthikanti et al. 2022 (arXiv 2205.05198), Tables 3 and 5, Fig. 1",
  kind: "paper",
};
const megatronCore: Source = {
  ref: "Megatron-LM README (2025), H100 weak-scaling table",
  kind: "paper",
  note: "micro-batch, interleaving and recompute not stated; comm overlap on",
};
const llama3: Source = {
  ref: "Llama 3 Herd of Models (arXiv 2407.21783), section 3.3.2, Table 4",
  kind: "paper",
  note: "FSDP sharding optimizer state and gradients (ZeRO-2-like); no activation checkpointing at 8K",
};

const narayananRows: readonly [string, number, number, number, number, number, number, number][] = [
  // model, tp, pp, gpus, batch, micro-batch, interleave, TFLOP/s per GPU
  ["1.7b", 1, 1, 32, 512, 16, 1, 137],
  ["3.6b", 2, 1, 64, 512, 16, 1, 138],
  ["7.5b", 4, 1, 128, 512, 16, 1, 142],
  ["18b", 8, 1, 256, 1024, 8, 1, 135],
  ["39b", 8, 2, 512, 1536, 4, 1, 138],
  ["76b", 8, 4, 1024, 1792, 2, 3, 140],
  ["145b", 8, 8, 1536, 2304, 2, 2, 148],
  ["310b", 8, 16, 1920, 2160, 1, 2, 155],
  ["530b", 8, 35, 2520, 2520, 1, 3, 163],
  ["1t", 8, 64, 3072, 3072, 1, 1, 163],
];

const korthikantiRows: readonly [
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  [number, number],
  { modelStates: number; activations: number },
][] = [
  // id, model, pp, gpus, batch, micro-batch, interleave, [full, seq+sel] seconds, Fig. 1 GiB
  ["22b", "megatron-22b", 1, 8, 4, 4, 1, [1.42, 1.1], { modelStates: 45.56, activations: 9.56 }],
  ["175b", "gpt-3-175b", 8, 64, 64, 1, 3, [18.13, 13.75], { modelStates: 45.56, activations: 12.35 }],
  [
    "530b",
    "megatron-lm-530b",
    35,
    280,
    280,
    1,
    3,
    [49.05, 37.83],
    { modelStates: 31.64, activations: 23.08 },
  ],
  ["1t", "megatron-lm-1t", 64, 512, 512, 1, 1, [94.42, 71.49], { modelStates: 32.96, activations: 26.56 }],
];

const megatronCoreRows: readonly [string, number, number, number, number, number][] = [
  // model, tp, pp, dp, batch, TFLOP/s per GPU
  ["1.7b", 1, 1, 48, 192, 408.8],
  ["7.1b", 2, 1, 48, 192, 465.9],
  ["16b", 4, 1, 48, 192, 489.1],
  ["32b", 8, 1, 48, 192, 459.6],
  ["70b", 8, 2, 48, 384, 419.7],
  ["119b", 8, 4, 48, 768, 420.5],
  ["177b", 8, 6, 48, 1152, 432.8],
  ["314b", 8, 8, 48, 1536, 474.4],
  ["462b", 8, 16, 48, 3072, 459.9],
];

export const PUBLISHED_RUNS: readonly PublishedRun[] = [
  ...narayananRows.map(
    ([size, tp, pp, gpus, batch, microBatch, virtualStages, tflops]): PublishedRun => ({
      id: `narayanan-2021-${size}`,
      group: "Megatron-LM weak scaling, A100 (Narayanan et al. 2021, Table 1)",
      source: narayanan,
      model: `megatron-lm-${size}`,
      accelerator: "a100-sxm-80gb",
      stack: "megatron-lm-2021",
      gpus,
      sequenceLength: 2048,
      globalBatchSequences: batch,
      layout: {
        tp,
        pp,
        cp: 1,
        dp: gpus / (tp * pp),
        ep: 1,
        microBatch,
        virtualStages,
        recompute: "full",
        zero: 0,
        sequenceParallel: false,
      },
      published: { kind: "tflopsPerGpu", value: tflops, convention: narayananConvention },
      confidence: "stated",
    }),
  ),
  ...korthikantiRows.flatMap(([id, model, pp, gpus, batch, microBatch, virtualStages, seconds, memory]) => {
    const common = {
      group: "Sequence parallelism and selective recompute, A100 (Korthikanti et al. 2022, Table 5)",
      source: korthikanti,
      model,
      modelOverrides: { vocab: 51200 },
      accelerator: "a100-sxm-80gb",
      stack: "megatron-lm-2021",
      gpus,
      sequenceLength: 2048,
      globalBatchSequences: batch,
      confidence: "stated" as const,
    };
    const layout = {
      tp: 8,
      pp,
      cp: 1,
      dp: gpus / (8 * pp),
      ep: 1,
      microBatch,
      virtualStages,
      zero: 0 as const,
    };
    return [
      {
        ...common,
        id: `korthikanti-2022-${id}-full`,
        layout: { ...layout, recompute: "full" as const, sequenceParallel: false },
        published: { kind: "stepSeconds" as const, value: seconds[0] },
      },
      {
        ...common,
        id: `korthikanti-2022-${id}-seq-sel`,
        layout: { ...layout, recompute: "selective" as const, sequenceParallel: true },
        published: { kind: "stepSeconds" as const, value: seconds[1] },
        memoryGiB: memory,
      },
    ];
  }),
  ...megatronCoreRows.map(
    ([size, tp, pp, dp, batch, tflops]): PublishedRun => ({
      id: `megatron-core-h100-${size}`,
      group: "Megatron-Core weak scaling, H100 (Megatron-LM README, 2025)",
      source: megatronCore,
      model: `megatron-core-${size}`,
      accelerator: "h100-sxm",
      stack: "megatron-core",
      gpus: tp * pp * dp,
      sequenceLength: 4096,
      globalBatchSequences: batch,
      layout: { tp, pp, cp: 1, dp, ep: 1, zero: 1, sequenceParallel: tp > 1 },
      published: { kind: "tflopsPerGpu", value: tflops, convention: megatronCoreConvention },
      confidence: "partly-inferred",
    }),
  ),
  ...(
    [
      ["8k-8192", 8192, 1, 64, 8192, 32, 430],
      ["8k-16384", 16384, 1, 128, 8192, 16, 400],
      ["128k-16384", 16384, 16, 8, 131072, 16, 380],
    ] as const
  ).map(
    ([id, gpus, cp, dp, sequenceLength, perDp, tflops]): PublishedRun => ({
      id: `llama-3-405b-${id}`,
      group: "Llama 3 405B pre-training, H100 (Meta 2024, Table 4)",
      source: llama3,
      model: "llama-3-405b",
      accelerator: "h100-sxm",
      stack: "meta-llama3",
      gpus,
      sequenceLength,
      globalBatchSequences: perDp * dp,
      layout: {
        tp: 8,
        pp: 16,
        cp,
        dp,
        ep: 1,
        zero: 2,
        sequenceParallel: true,
        // Section 3.3.2: one Transformer layer fewer on the first and the last stage (126 = 7 + 14 x 8 + 7).
        firstStageLayers: 7,
        lastStageLayers: 7,
        ...(sequenceLength === 8192 ? { recompute: "none" as const } : {}),
      },
      published: { kind: "tflopsPerGpu", value: tflops, convention: palmConvention },
      confidence: cp > 1 ? "partly-inferred" : "stated",
      ...(cp > 1
        ? { notes: "Table 4 prints DP=4, inconsistent with 16,384 GPUs and 16M tokens; DP=8 satisfies both" }
        : {}),
    }),
  ),
  ...heldOutRuns(),
  ...otherStackRuns(),
  ...blackwellRuns(),
  ...fsdpRuns(),
  ...deepspeedRuns(),
];

/** GB200 and GB300 NVL72 runs (72-GPU NVLink domains) in FP8, MXFP8, NVFP4 and BF16. */
function blackwellRuns(): PublishedRun[] {
  const group = "Blackwell: GB200 / GB300 NVL72 (NVIDIA Megatron-Bridge, DGX Cloud, MLPerf)";
  const bridge: Source = {
    ref: "NVIDIA Megatron-Bridge docs/performance-summary-archive.md, release 26.04.01 (fork svcnemo-autobot/Megatron-Bridge @ 52dfa15)",
    kind: "vendor",
    note: "tokens/s/GPU; FP8 = per-tensor current scaling; 405B presets (scripts/performance/configs) set no recompute and no offload; the FP8-CS and MXFP8 mixed-precision recipes (src/megatron/bridge/training/mixed_precision.py) set fp8_param_gather",
  };
  const dgxc: Source = {
    ref: "NVIDIA/dgxc-benchmarking llama3.1/README.md (@ 14fb6ae): Llama 3.1 405B on GB200, TP4 PP8 CP2 VP8, MBS 1, GA 32",
    kind: "vendor",
    note: "step time in seconds, as the results table prints it",
  };
  const mlperf = (file: string): Source => ({
    ref: `MLPerf Training v5.0, NVIDIA closed, Tyche (GB200 NVL72), NeMo 25.04: ${file} and result_0.txt (mirror prishajain1/training_results_v5.0 @ 0fdc28f)`,
    kind: "measured",
    note: "train_step_time after warm-up; FP8 with delayed scaling; embedding and loss in pipeline stages of their own (ASYM_PP_EMBED/LOSS)",
  });
  const run = (
    id: string,
    accelerator: "gb200" | "gb300",
    model: string,
    gpus: number,
    globalBatchSequences: number,
    precision: Precision,
    [tp, pp, cp, virtualStages]: readonly [number, number, number, number],
    published: PublishedFigure,
    source: Source,
    extra: Partial<PublishedRun> = {},
  ): PublishedRun => ({
    id,
    group,
    source,
    model,
    accelerator,
    // Megatron-Bridge's tables come from its performance recipes; DGX Cloud and MLPerf run NeMo.
    stack: id.startsWith("bridge-") ? "megatron-bridge" : "megatron-core",
    gpus,
    sequenceLength: 8192,
    globalBatchSequences,
    published,
    precision,
    // Megatron-Bridge's FP8 and MXFP8 recipes and MLPerf's FP8_PARAM_GATHER keep the weights in FP8.
    ...(precision === "fp8" || precision === "mxfp8" ? { recipe: "megatron-fp8-params" as const } : {}),
    confidence: "stated",
    ...extra,
    layout: {
      tp,
      pp,
      cp,
      dp: gpus / (tp * pp * cp),
      ep: 1,
      microBatch: 1,
      virtualStages,
      zero: 1,
      sequenceParallel: tp > 1,
      ...extra.layout,
    },
  });
  const tokens = (value: number): PublishedFigure => ({ kind: "tokensPerSecondPerGpu", value });
  // ASYM_PP_EMBED/LOSS: the embedding and the loss take a layer's slot on the end stages (15 + 6 x 16 + 15).
  const mlperfExtra = {
    confidence: "partly-inferred" as const,
    notes: "recompute not stated: searched",
    layout: { firstStageLayers: 15, lastStageLayers: 15 },
  };
  const seconds = (value: number): PublishedFigure => ({ kind: "stepSeconds", value });
  return [
    // Llama 3 70B on 64 GPUs, GBS 256; recompute not stated: searched.
    run(
      "bridge-llama-3-70b-gb300-mxfp8",
      "gb300",
      "llama-3-70b",
      64,
      256,
      "mxfp8",
      [1, 4, 1, 5],
      tokens(4864),
      bridge,
      { confidence: "partly-inferred" },
    ),
    run(
      "bridge-llama-3-70b-gb300-nvfp4",
      "gb300",
      "llama-3-70b",
      64,
      256,
      "nvfp4",
      [1, 4, 1, 5],
      tokens(7296),
      bridge,
      { confidence: "partly-inferred" },
    ),
    run(
      "bridge-llama-3-70b-gb200-mxfp8",
      "gb200",
      "llama-3-70b",
      64,
      256,
      "mxfp8",
      [2, 4, 1, 5],
      tokens(3712),
      bridge,
      { confidence: "partly-inferred" },
    ),
    run(
      "bridge-llama-3-70b-gb200-nvfp4",
      "gb200",
      "llama-3-70b",
      64,
      256,
      "nvfp4",
      [2, 4, 1, 5],
      tokens(4864),
      bridge,
      { confidence: "partly-inferred" },
    ),
    ...(
      [
        ["gb300", "fp8", [4, 8, 1, 4], 1024],
        ["gb300", "mxfp8", [2, 8, 2, 4], 960],
        ["gb300", "nvfp4", [4, 8, 1, 4], 1440],
        ["gb200", "fp8", [4, 16, 1, 4], 864],
        ["gb200", "mxfp8", [4, 16, 1, 8], 800],
        ["gb200", "nvfp4", [4, 16, 1, 8], 1184],
      ] as const
    ).map(([accelerator, precision, layout, value]) => {
      const r = run(
        `bridge-llama-3.1-405b-${accelerator}-${precision}`,
        accelerator,
        "llama-3-405b",
        256,
        1536,
        precision,
        layout,
        tokens(value),
        bridge,
      );
      // 126 layers over 16 stages: the embedding and the loss take a layer's slot each (7 + 14 x 8 + 7).
      const ends = layout[1] === 16 ? { firstStageLayers: 7, lastStageLayers: 7 } : {};
      return { ...r, layout: { ...r.layout, recompute: "none" as const, ...ends } };
    }),
    ...(
      [
        ["bf16", 128, 9.347],
        ["bf16", 256, 9.484],
        ["bf16", 512, 9.508],
        ["fp8", 128, 6.131],
        ["fp8", 256, 6.183],
        ["fp8", 512, 6.244],
      ] as const
    ).map(([precision, gpus, stepSeconds]) =>
      run(
        `dgxc-llama-3.1-405b-gb200-${precision}-${gpus}`,
        "gb200",
        "llama-3-405b",
        gpus,
        gpus / 2,
        precision,
        [4, 8, 2, 8],
        seconds(stepSeconds),
        dgxc,
        { confidence: "partly-inferred", notes: "recompute not stated: searched" },
      ),
    ),
    run(
      "mlperf-llama-3.1-405b-gb200-256",
      "gb200",
      "llama-3-405b",
      256,
      448,
      "fp8",
      [4, 8, 2, 8],
      seconds(18.93),
      mlperf("tyche_ngpu256_ngc25.04_nemo/config_GB200_64x4x112xtp4pp8cp2_cg.sh"),
      mlperfExtra,
    ),
    run(
      "mlperf-llama-3.1-405b-gb200-512",
      "gb200",
      "llama-3-405b",
      512,
      896,
      "fp8",
      [4, 8, 2, 8],
      seconds(19.22),
      mlperf("tyche_ngpu512_ngc25.04_nemo/config_GB200_128x4x112xtp4pp8cp2_cg_dplast.sh"),
      mlperfExtra,
    ),
  ];
}

/** Runs at other scales and on other stacks and networks than the Megatron reference runs. */
function otherStackRuns(): PublishedRun[] {
  const mlperf = (
    id: string,
    gpus: number,
    pp: number,
    virtualStages: number,
    microBatch: number,
    batch: number,
    stepSeconds: number,
    ref: string,
  ): PublishedRun => ({
    id,
    group: "MLPerf Training GPT-3 175B, FP8, H100 (NVIDIA Eos, NeMo/Megatron-Core)",
    source: {
      ref,
      kind: "measured",
      note: "step time from the log's block timestamps over steps per block (v4.0) or train_step_timing (v4.1)",
    },
    model: "gpt-3-175b",
    accelerator: "h100-sxm",
    stack: "megatron-core",
    gpus,
    sequenceLength: 2048,
    globalBatchSequences: batch,
    layout: {
      tp: 4,
      pp,
      cp: 1,
      dp: gpus / (4 * pp),
      ep: 1,
      microBatch,
      virtualStages,
      zero: 1,
      sequenceParallel: true,
      // custom.yaml leaves activations_checkpoint_granularity null: no recompute.
      recompute: "none",
    },
    // custom.yaml sets hidden_dropout and attention_dropout to 0.0.
    modelOverrides: { dropout: false },
    published: { kind: "stepSeconds", value: stepSeconds },
    precision: "fp8",
    // FP8_PARAMS=True in config_common.sh: weights kept only in FP8.
    recipe: "megatron-fp8-params",
    confidence: "stated",
    notes: "recompute, dropout and FP8 weights read in the v4.1 custom.yaml and config_common.sh",
  });
  const v40 = "mlcommons/training_results_v4.0 (May 2024), NVIDIA/benchmarks/gpt3/implementations/nemo";
  return [
    mlperf(
      "mlperf-gpt3-fp8-256",
      256,
      8,
      6,
      2,
      2048,
      18.38,
      "MLPerf Training v4.1 (Oct 2024), NVIDIA eos_n32_ngc24.09_nemo: config_DGXH100_32x8x256x4x8_mbs2.sh and result_0.txt (read in the mirror swsok/training_results_v4.1, commit 8821c703)",
    ),
    mlperf(
      "mlperf-gpt3-fp8-512",
      512,
      8,
      4,
      2,
      2304,
      10.9,
      `${v40}: config_DGXH100_64x8x128x4x8_mbs2.sh; eos_n64 result_0.txt`,
    ),
    mlperf(
      "mlperf-gpt3-fp8-10752",
      10752,
      6,
      8,
      1,
      2688,
      0.92,
      `${v40}: config_DGXH100_1344x8x6x4x6_mbs1_cg.sh; eos-dfw_n1344 result_0.txt`,
    ),
    mlperf(
      "mlperf-gpt3-fp8-11616",
      11616,
      6,
      8,
      1,
      2904,
      0.921,
      `${v40}: config_DGXH100_1452x8x6x4x6_mbs1_cg.sh; eos-dfw_n1452 result_0.txt`,
    ),
    {
      id: "bloom-176b-384",
      group: "Megatron-DeepSpeed, A100 over Omni-Path (BigScience BLOOM 176B)",
      source: {
        ref: "bigscience-workshop/bigscience train/tr11-176B-ml: README.md, tr11-176B-ml.slurm, chronicles.md (2022-03-18: iteration 12695 at 105.22 s)",
        kind: "measured",
        note: "48 nodes x 8 A100 80GB, 4 x 100 Gb/s Omni-Path per node; BF16 optimizer (ZeRO-1); CUDA_LAUNCH_BLOCKING=1",
      },
      model: "bloom-176b",
      accelerator: "a100-sxm-80gb",
      stack: "megatron-deepspeed",
      scaleOutGbps: 50,
      gpus: 384,
      sequenceLength: 2048,
      globalBatchSequences: 2048,
      layout: {
        tp: 4,
        pp: 12,
        cp: 1,
        dp: 8,
        ep: 1,
        microBatch: 2,
        virtualStages: 1,
        recompute: "full",
        zero: 1,
        sequenceParallel: false,
        firstStageLayers: 5,
        lastStageLayers: 5,
      },
      published: { kind: "stepSeconds", value: 105.22 },
      confidence: "stated",
      peakMemoryGiB: 55.9,
      notes:
        "about 60 GB (55.9 GiB) per GPU (README); stages 0 and 11 hold 5 blocks and the embedding, the others 6",
    },
  ];
}

function heldOutRuns(): PublishedRun[] {
  const nemo2407: Source = {
    ref: "NVIDIA NeMo performance summary, DGX-H100, FP8 (NeMo 24.07; docs/source/performance/performance_summary.md)",
    kind: "vendor",
    note: "Megatron-Core with Transformer Engine FP8; throughput in tokens/s/GPU",
  };
  const bridge: Source = {
    ref: "NVIDIA Megatron-Bridge performance summary, DGX-H100 (docs/performance-summary.md)",
    kind: "vendor",
    note: "MoE runs use force-balanced, dropless routing",
  };
  const fp8Group = "FP8 dense training, H100 (NVIDIA NeMo / Megatron-Bridge)";
  const moeGroup = "Mixture-of-experts training, H100/H800";
  const row = (
    id: string,
    group: string,
    source: Source,
    model: string,
    gpus: number,
    sequenceLength: number,
    globalBatchSequences: number,
    layout: Partial<Layout>,
    tokensPerSecondPerGpu: number,
    extra: Partial<PublishedRun> = {},
  ): PublishedRun => ({
    id,
    group,
    source,
    model,
    accelerator: "h100-sxm",
    stack: id.startsWith("bridge-") ? "megatron-bridge" : "megatron-core",
    gpus,
    sequenceLength,
    globalBatchSequences,
    layout: { cp: 1, ep: 1, ...layout },
    published: { kind: "tokensPerSecondPerGpu", value: tokensPerSecondPerGpu },
    precision: "fp8",
    confidence: "stated",
    ...extra,
  });
  return [
    row(
      "nemo-gpt-3-175b-fp8-128",
      fp8Group,
      nemo2407,
      "gpt-3-175b",
      128,
      2048,
      256,
      { tp: 4, pp: 8, virtualStages: 6, microBatch: 1 },
      726,
    ),
    row(
      "nemo-gpt-3-175b-fp8-512",
      fp8Group,
      nemo2407,
      "gpt-3-175b",
      512,
      2048,
      2048,
      { tp: 4, pp: 8, virtualStages: 6, microBatch: 2 },
      782,
    ),
    row(
      "nemo-llama-3-70b-fp8-64",
      fp8Group,
      nemo2407,
      "llama-3-70b",
      64,
      8192,
      128,
      { tp: 4, pp: 4, cp: 2, virtualStages: 5, microBatch: 1 },
      1533,
    ),
    row(
      "bridge-llama-3.1-405b-fp8-1024",
      fp8Group,
      { ...bridge, ref: `${bridge.ref}, release 25.11` },
      "llama-3-405b",
      1024,
      8192,
      512,
      { tp: 8, pp: 8, cp: 2, virtualStages: 8, microBatch: 1 },
      292,
    ),
    row(
      "bridge-deepseek-v3-1024",
      moeGroup,
      {
        ...bridge,
        ref: `${bridge.ref.replace("performance-summary.md", "performance-summary-archive.md")}, release 25.09`,
      },
      "deepseek-v3",
      1024,
      4096,
      8192,
      { tp: 2, pp: 8, virtualStages: 4, ep: 64, microBatch: 1 },
      1297,
      {
        confidence: "partly-inferred",
        notes: "precision column inferred as FP8 (a blockwise-FP8 variant is listed at 330 TFLOP/s)",
      },
    ),
    row(
      "deepseek-v3-h800-2048",
      moeGroup,
      {
        ref: "DeepSeek-V3 Technical Report (arXiv 2412.19437), Table 1: 180K H800 GPU-hours per trillion tokens; sections 3.2, 4.2",
        kind: "paper",
        note: "2,048 H800, PP16 with DualPipe, EP64 over 8 nodes, ZeRO-1, no TP; FP8; 4K sequences, batch 15,360",
      },
      "deepseek-v3",
      2048,
      4096,
      15360,
      { tp: 1, pp: 16, ep: 64, zero: 1 },
      1e12 / (180e3 * SECONDS_PER_HOUR),
      { accelerator: "h800", stack: "deepseek-dualpipe" },
    ),
  ];
}

/**
 * PyTorch FSDP (TorchTitan's FSDP2, IBM's FSDP1) runs: one-dimensional full sharding (ZeRO-3 in the
 * layout), no TP or PP. Runs with torch.compile off are on the fsdp2-eager stack, compiled ones on
 * fsdp2. docs/research/other-stack-runs.md has the sources in full and the rows left out.
 */
function fsdpRuns(): PublishedRun[] {
  const fsdp = (dp: number, microBatch: number, recompute?: "full"): Partial<Layout> => ({
    tp: 1,
    pp: 1,
    cp: 1,
    dp,
    ep: 1,
    microBatch,
    zero: 3,
    sequenceParallel: false,
    ...(recompute ? { recompute } : {}),
  });
  const tokens = (value: number): PublishedFigure => ({ kind: "tokensPerSecondPerGpu", value });
  // TorchTitan's FSDP2 mixed precision: fp32 sharded weights, bf16 compute, fp32 gradient reduction.
  const common = { recipe: "pytorch-amp" as const, stack: "fsdp2" };
  const eager = { ...common, stack: "fsdp2-eager" };
  const titanA100: Source = {
    ref: "pytorch/torchtitan docs/performance.md (@ 0413364, 2024 A100 version), 'Llama 3 performance numbers' and 'Llama 2 performance numbers' tables: FSDP2 on 64 A100 80GB",
    kind: "measured",
    note: "WPS per GPU; local batch as the tables give it (global = local x 64); torch.compile not stated: the 64-A100 preset configs of the time (train_configs/llama3_8b.toml @ 0011fb9, llama3_70b.toml and llama2_70b.toml @ 08e5379) set compile = false; network not stated",
  };
  const titanA100Group = "TorchTitan FSDP2, 64 A100 (torchtitan docs/performance.md, 2024)";
  const aws: Source = {
    ref: "AWS Machine Learning Blog, 'Efficient Pre-training of Llama 3-like model architectures using torchtitan on Amazon SageMaker' (9 Oct 2024), performance table; config in aws-samples/sagemaker-distributed-training-workshop 14_torchtitan/'Step 3- Train with torchtitan.ipynb' (@ 1d5b382)",
    kind: "measured",
    note: "4 x p5.48xlarge (32 H100 80GB SXM, EFA 3,200 Gb/s per node); llama3_8b.toml: batch_size 1, seq_len 8192, data_parallel_degree -1 (FSDP over 32), selective op AC; tokens per second per GPU (torchtitan's wps)",
  };
  const awsGroup = "TorchTitan FSDP2 on SageMaker, 32 H100 (AWS blog, Oct 2024)";
  const trainy: Source = {
    ref: "pytorch/torchtitan benchmarks/llama3_8b_h200_2025-06_torchtitan.md (@ bcdeaa3; Trainy on WhiteFiber, June 2025; torchtitan e7c0cae, torch 2.8.0a0)",
    kind: "measured",
    note: "8 H200 per host, 400 Gb/s CX-7 per GPU; --training.local_batch_size=2 --training.compile --model.converters=float8 --float8.enable_fsdp_float8_all_gather; TPS/GPU at step 100",
  };
  const ibm: Source = {
    ref: "foundation-model-stack/fms-fsdp README.md (@ 0d31998, 2024), throughput table: 70b on 128 A100, FSDP, activation checkpointing, batch size 6, 380 token/gpu/sec",
    kind: "measured",
    note: "IBM/PyTorch FSDP1 with SDPA flash attention; docs/configurations.md: sharding_strategy fsdp = full sharding over all GPUs, selective_checkpointing 1 = every block checkpointed, compile not recommended (off); seq_length 4096 (Llama 2); IBM Vela cluster, network not stated",
  };
  const titanNote = (rest: string) => `torch.compile off (the preset configs' default). ${rest}`;
  return [
    {
      ...eager,
      id: "torchtitan-a100-llama-3-8b-sac-op",
      group: titanA100Group,
      source: titanA100,
      model: "llama-3-8b",
      accelerator: "a100-sxm-80gb",
      gpus: 64,
      sequenceLength: 8192,
      globalBatchSequences: 64,
      layout: fsdp(64, 1),
      published: tokens(2973),
      confidence: "partly-inferred",
      notes: titanNote(
        "Selective op AC (torchtitan saves every other matmul output) has no layout equivalent: recompute is searched. The selective-layer row (2,904) has the same layout and is left out.",
      ),
    },
    {
      ...eager,
      id: "torchtitan-a100-llama-3-70b-full-ac",
      group: titanA100Group,
      source: titanA100,
      model: "llama-3-70b",
      accelerator: "a100-sxm-80gb",
      gpus: 64,
      sequenceLength: 8192,
      globalBatchSequences: 64,
      layout: fsdp(64, 1, "full"),
      published: tokens(331),
      confidence: "partly-inferred",
      notes: titanNote("MFU 51.7% in the table matches 331 tokens/s at 8,192 tokens (full-attention FLOPs)."),
    },
    {
      ...eager,
      id: "torchtitan-a100-llama-2-70b-full-ac",
      group: titanA100Group,
      source: titanA100,
      model: "llama-2-70b",
      accelerator: "a100-sxm-80gb",
      gpus: 64,
      sequenceLength: 4096,
      globalBatchSequences: 128,
      layout: fsdp(64, 2, "full"),
      published: tokens(353),
      confidence: "partly-inferred",
      notes: titanNote("Llama 2's sequence length 4,096 (the doc: 'halved compared with Llama 3')."),
    },
    {
      ...eager,
      id: "torchtitan-a100-llama-2-70b-sac-op",
      group: titanA100Group,
      source: titanA100,
      model: "llama-2-70b",
      accelerator: "a100-sxm-80gb",
      gpus: 64,
      sequenceLength: 4096,
      globalBatchSequences: 64,
      layout: fsdp(64, 1),
      published: tokens(355),
      confidence: "partly-inferred",
      notes: titanNote(
        "Selective op AC at local batch 1 (batch 2 ran out of memory, footnote 1): recompute is searched.",
      ),
    },
    {
      ...eager,
      id: "sagemaker-h100-llama-3-8b-eager",
      group: awsGroup,
      source: aws,
      model: "llama-3-8b",
      accelerator: "h100-sxm",
      gpus: 32,
      sequenceLength: 8192,
      globalBatchSequences: 32,
      layout: fsdp(32, 1),
      published: tokens(6475),
      confidence: "partly-inferred",
      notes: "'Baseline, default configuration': compile = false. Selective op AC: recompute is searched.",
    },
    {
      ...common,
      id: "sagemaker-h100-llama-3-8b-compile",
      group: awsGroup,
      source: aws,
      model: "llama-3-8b",
      accelerator: "h100-sxm",
      gpus: 32,
      sequenceLength: 8192,
      globalBatchSequences: 32,
      layout: fsdp(32, 1),
      published: tokens(7166),
      confidence: "partly-inferred",
      notes: "compile = true. Selective op AC has no layout equivalent: recompute is searched.",
    },
    {
      ...common,
      id: "sagemaker-h100-llama-3-8b-compile-fp8",
      group: awsGroup,
      source: aws,
      model: "llama-3-8b",
      accelerator: "h100-sxm",
      gpus: 32,
      sequenceLength: 8192,
      globalBatchSequences: 32,
      layout: fsdp(32, 1),
      published: tokens(8624),
      precision: "fp8",
      confidence: "partly-inferred",
      notes:
        "compile = true, enable_float8_linear (torchao tensorwise dynamic scaling; attention and the output layer stay BF16). Selective op AC: recompute is searched. The FP8 all-gather row (8,950) has the same layout and is left out.",
    },
    ...(
      [
        [4, 10938],
        [8, 10753],
      ] as const
    ).map(
      ([nodes, value]): PublishedRun => ({
        ...common,
        id: `torchtitan-h200-llama-3-8b-fp8-${nodes * 8}`,
        group: "TorchTitan FSDP2 + float8, H200 (torchtitan benchmarks, June 2025)",
        source: trainy,
        model: "llama-3-8b",
        accelerator: "h200",
        gpus: nodes * 8,
        sequenceLength: 8192,
        globalBatchSequences: nodes * 8 * 2,
        layout: fsdp(nodes * 8, 2),
        published: tokens(value),
        precision: "fp8",
        confidence: "partly-inferred",
        notes:
          "seq_len 8192 and selective op AC are the llama3_8b.toml defaults of the time, not restated: recompute is searched. FP8 all-gather halves the FSDP traffic; the model gathers BF16.",
      }),
    ),
    {
      ...eager,
      id: "fms-fsdp-a100-llama-2-70b-128",
      group: "IBM fms-fsdp (PyTorch FSDP), 128 A100 (2024)",
      source: ibm,
      model: "llama-2-70b",
      accelerator: "a100-sxm-80gb",
      gpus: 128,
      sequenceLength: 4096,
      globalBatchSequences: 768,
      layout: fsdp(128, 6, "full"),
      published: tokens(380),
      confidence: "partly-inferred",
      notes:
        "FSDP1 (flat parameters) in eager mode; A100 80GB and the cluster's network inferred (Vela, RoCE). scripts/70b.sh (@ 2fdced7) confirms sharding_strategy fsdp, selective_checkpointing 1 and use_torch_compile False but sets batch 5 (on an EFA cluster): the README's 6 is used.",
    },
  ];
}

/** DeepSpeed ZeRO-3 with Hugging Face Transformers modules (XTuner). */
function deepspeedRuns(): PublishedRun[] {
  const group = "DeepSpeed ZeRO-3 (XTuner), A100";
  const zero3 = (dp: number): Partial<Layout> => ({
    tp: 1,
    pp: 1,
    cp: 1,
    dp,
    ep: 1,
    microBatch: 1,
    zero: 3,
    recompute: "full",
    sequenceParallel: false,
  });
  const readme: Source = {
    ref: "InternLM/xtuner xtuner/configs/llama/llama3_8b/README.md (@ 1cc5ef9, 2024), 'Speed' table: Llama3 8B, 8k, ZeRO-3, sequence parallel 1",
    kind: "measured",
    note: "tokens per second per GPU; full fine-tuning of Llama-3-8B-Instruct on Alpaca packed to the sequence length; the page's hardware is A100-80G ('only requires 2 * A100-80G')",
  };
  const readmeNote =
    "A100 80GB inferred from the page; config llama3_8b_instruct_full_alpaca_e3.py (@ bbcd94b) with max_length 8k: batch 1 per GPU, 16 accumulation steps (global batch 16 x GPUs), use_varlen_attn False (causal attention over the packed 8k), fp16 AMP; gradient checkpointing is XTuner's SupervisedFinetune default (use_activation_checkpointing True, every layer). ";
  return [
    ...(
      [
        [4, 2331.3, "single node"],
        [8, 2771.2, "single node"],
        [16, 2127.2, "two nodes; the inter-node network is not stated"],
      ] as const
    ).map(
      ([gpus, value, where]): PublishedRun => ({
        id: `xtuner-a100-llama-3-8b-zero3-${gpus}`,
        group,
        source: readme,
        model: "llama-3-8b",
        accelerator: "a100-sxm-80gb",
        stack: "deepspeed",
        gpus,
        sequenceLength: 8192,
        globalBatchSequences: 16 * gpus,
        layout: zero3(gpus),
        published: { kind: "tokensPerSecondPerGpu", value },
        confidence: "partly-inferred",
        notes: `${readmeNote}${where}.`,
      }),
    ),
    {
      id: "xtuner-a100-llama-2-70b-zero3-32",
      group,
      source: {
        ref: "InternLM/xtuner docs/zh_cn/acceleration/benchmark.rst (@ 4d2758e, 2024), Llama2-70B table: 32 GPUs, 8k, 216.8 TGS (tokens per GPU per second); config llama_speed_benchmark/llama2_70b/llama2_70b_full_alpaca_enzh_8k_sp1.py (@ 10bf083)",
        kind: "measured",
        note: "NVIDIA A100-SXM4-80GB, PyTorch 1.13, NCCL 2.14.3; config: batch 1 per GPU, accumulation 1, sequence parallel 1, fp16 AMP, Alpaca en+zh packed to 8,192 with use_varlen_attn True",
      },
      model: "llama-2-70b",
      accelerator: "a100-sxm-80gb",
      stack: "deepspeed",
      gpus: 32,
      sequenceLength: 8192,
      globalBatchSequences: 32,
      layout: zero3(32),
      published: { kind: "tokensPerSecondPerGpu", value: 216.8 },
      confidence: "partly-inferred",
      notes:
        "ZeRO-3 inferred (70B cannot hold replicated weights) and the README's slurm command passes --deepspeed deepspeed_zero3; gradient checkpointing is XTuner's default; the inter-node network is not stated. Varlen attention attends within each packed Alpaca sample (a few hundred tokens), so the model's 8k causal attention overstates that term.",
    },
  ];
}
