import type { Source } from "../catalog/source.ts";
import type { Precision } from "../model/precision.ts";
import type { KvPrecision } from "../serving/replica.ts";

// Published inference measurements with the set-up each was taken under, for validate's serving
// table. Figures are as the sources print them; the extraction notes with every source table are
// in docs/research/inference-runs.md.

export type InferenceMetric =
  /** Output tokens per second of one replica fed all requests at once (offline, max batch). */
  | "offline-output-tokens-per-second"
  /** Mean time between output tokens at a stated batch. */
  | "time-per-output-token"
  /** Mean time to the first token at low load. */
  | "time-to-first-token"
  /** Prefill of `batch` prompts together. */
  | "prefill-seconds";

export interface InferenceMeasurement {
  readonly id: string;
  readonly source: InferenceSourceName;
  readonly model: string;
  readonly accelerator: string;
  readonly precision: Precision;
  readonly kvPrecision: KvPrecision;
  readonly tp: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly metric: InferenceMetric;
  /** Sequences in the batch; offline throughput takes the largest batch the KV cache holds. */
  readonly batch?: number;
  /** Seconds, or output tokens per second. */
  readonly measured: number;
}

export type InferenceSourceName = "trtllm-v1.0-offline" | "trtllm-v0.14-online" | "splitwise-profiles";

export interface InferenceSource {
  readonly name: InferenceSourceName;
  readonly title: string;
  readonly source: Source;
  /**
   * The engine's host and scheduler time per forward pass. CUDA-graph engines: the schema's
   * default. An engine whose steps are bound by the host states it through its own batch-1 row.
   */
  readonly engineFloor: "cuda-graphs" | { readonly fromRow: Readonly<Record<string, string>> };
}

export const INFERENCE_SOURCES: readonly InferenceSource[] = [
  {
    name: "trtllm-v1.0-offline",
    title: "TensorRT-LLM v1.0 offline max throughput (total output tokens/s of the TP group)",
    source: {
      ref: "NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md, commit 00f37686aa854010d68bcbd0f4ab000221541ca6 (v1.0 tables): trtllm-bench throughput, PyTorch backend, CUDA graphs, kv_cache_free_gpu_mem_fraction 0.95",
      kind: "vendor",
      note: "fixed-length synthetic requests, all queued at once; FP4 checkpoints on B200/GB200, FP8 on H100/H200; KV cache FP8",
    },
    engineFloor: "cuda-graphs",
  },
  {
    name: "trtllm-v0.14-online",
    title: "TensorRT-LLM v0.14 Triton serving at 2 requests/s (mean TTFT and inter-token latency)",
    source: {
      ref: "NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md, commit 258c7540c03517def55d9a5aadfa9288af474e1b, 'Online Serving Measurements' (v0.14.0, 500 requests, BF16)",
      kind: "vendor",
      note: "the batch is the mean number of requests in flight by Little's law from the row's own figures: 2/s x (TTFT + (output - 1) x ITL); latencies printed in whole milliseconds",
    },
    engineFloor: "cuda-graphs",
  },
  {
    name: "splitwise-profiles",
    title: "Splitwise profiles, Llama 2 70B FP16 on DGX A100/H100 (prompt time, time per token)",
    source: {
      ref: "Patel et al., Splitwise (ISCA 2024, arXiv 2311.18677); profiling data Mutinifni/splitwise-sim data/perf_model.csv, commit 378088013a54df6f2052c27ff5ae6ea7619c3ecc (first of five repeats)",
      kind: "measured",
      note: "engine not named; its steps are host-bound (~30 ms per token at batch 1 on H100 where reading the weights takes ~6 ms), so each GPU's engine floor is set by its TP8 batch-1 time per token, a row then left out of the error",
    },
    engineFloor: {
      fromRow: {
        "h100-sxm": "splitwise-h100-tp8-decode-b1",
        "a100-sxm-80gb": "splitwise-a100-tp8-decode-b1",
      },
    },
  },
];

// --- TensorRT-LLM v1.0 offline throughput --------------------------------------------------------

const OFFLINE_LENGTHS = [
  [128, 128],
  [128, 2048],
  [128, 4096],
  [500, 2000],
  [1000, 1000],
  [1000, 2000],
  [2048, 128],
  [2048, 2048],
  [5000, 500],
  [20000, 2000],
] as const;

/** Model, accelerator, precision, TP and total output tokens/s for each of OFFLINE_LENGTHS. */
const OFFLINE_TABLE: readonly [string, string, Precision, number, readonly number[]][] = [
  ["llama-3-70b", "b200", "nvfp4", 1, [11147, 9922, 6831, 7762, 7007, 6271, 1339, 4783, 1459, 665]],
  ["llama-3-70b", "gb200", "nvfp4", 1, [12189, 11309, 7849, 9028, 7326, 6513, 1450, 5646, 1602, 755]],
  ["llama-3-70b", "h200", "fp8", 1, [3803, 4336, 2872, 3666, 2909, 2994, 442, 2003, 566, 283]],
  ["llama-3-70b", "h100-sxm", "fp8", 2, [6378, 6651, 4199, 5222, 4205, 4146, 762, 3082, 898, 437]],
  ["llama-3-405b", "b200", "nvfp4", 4, [6281, 8020, 6345, 6244, 5209, 4933, 749, 4212, 1048, 672]],
  ["llama-3-405b", "gb200", "nvfp4", 4, [6740, 8151, 6608, 6540, 5389, 5135, 797, 4407, 1112, 739]],
  ["llama-3-405b", "h200", "fp8", 8, [3814, 5348, 4741, 4724, 3330, 3722, 456, 2948, 650, 505]],
  ["llama-3-405b", "h100-sxm", "fp8", 8, [3627, 4340, 3116, 3994, 2919, 2895, 453, 2296, 610, 345]],
  ["llama-3-8b", "h200", "fp8", 1, [27911, 26221, 18027, 20770, 17744, 16828, 3538, 12194, 3902, 1804]],
  ["llama-3-8b", "h100-sxm", "fp8", 1, [28312, 22714, 14325, 17660, 15220, 13899, 3450, 9305, 3459, 1351]],
];

const offline: InferenceMeasurement[] = OFFLINE_TABLE.flatMap(([model, accelerator, precision, tp, values]) =>
  OFFLINE_LENGTHS.map(([inputTokens, outputTokens], i) => ({
    id: `trtllm-${model}-${accelerator}-tp${tp}-${inputTokens}-${outputTokens}`,
    source: "trtllm-v1.0-offline" as const,
    model,
    accelerator,
    precision,
    kvPrecision: "fp8" as const,
    tp,
    inputTokens,
    outputTokens,
    metric: "offline-output-tokens-per-second" as const,
    measured: values[i] as number,
  })),
);

// --- TensorRT-LLM v0.14 online serving at 2 requests/s -------------------------------------------

/** Model, accelerator, TP, input, output, mean TTFT ms, mean ITL ms (the QPS 2 rows). */
const ONLINE_TABLE: readonly [string, string, number, number, number, number, number][] = [
  ["llama-3-70b", "h100-sxm", 4, 467, 256, 62, 21],
  ["llama-3-70b", "h100-sxm", 4, 467, 16, 53, 18],
  ["llama-3-70b", "h100-sxm", 4, 202, 214, 48, 20],
  ["llama-3-8b", "h100-sxm", 1, 467, 256, 23, 8],
  ["llama-3-8b", "h100-sxm", 1, 467, 16, 19, 7],
  ["llama-3-8b", "h100-sxm", 1, 202, 214, 19, 7],
  ["llama-3-70b", "h200", 4, 467, 256, 58, 18],
  ["llama-3-70b", "h200", 4, 467, 16, 50, 15],
  ["llama-3-70b", "h200", 4, 202, 214, 43, 17],
  ["llama-3-8b", "h200", 1, 467, 256, 21, 6],
  ["llama-3-8b", "h200", 1, 467, 16, 18, 5],
  ["llama-3-8b", "h200", 1, 202, 214, 17, 6],
];
const ONLINE_REQUESTS_PER_SECOND = 2;

const online: InferenceMeasurement[] = ONLINE_TABLE.flatMap(
  ([model, accelerator, tp, inputTokens, outputTokens, ttftMs, itlMs]) => {
    const inFlight = ONLINE_REQUESTS_PER_SECOND * (ttftMs + (outputTokens - 1) * itlMs) * 1e-3;
    const common = {
      source: "trtllm-v0.14-online" as const,
      model,
      accelerator,
      precision: "bf16" as const,
      kvPrecision: "bf16" as const,
      tp,
      inputTokens,
      outputTokens,
      batch: Math.max(1, Math.round(inFlight)),
    };
    const id = `triton-${model}-${accelerator}-tp${tp}-${inputTokens}-${outputTokens}`;
    return [
      { ...common, id: `${id}-ttft`, metric: "time-to-first-token" as const, measured: ttftMs * 1e-3 },
      { ...common, id: `${id}-itl`, metric: "time-per-output-token" as const, measured: itlMs * 1e-3 },
    ];
  },
);

// --- Splitwise profiles --------------------------------------------------------------------------

const SPLITWISE_PROMPTS = [512, 1024, 2048, 4096, 8192];
const SPLITWISE_BATCHES = [1, 2, 4, 8, 16, 32, 64];
const SPLITWISE_OUTPUT = 128;

/** Accelerator, TP, prompt ms at batch 1 for SPLITWISE_PROMPTS; prompt ms and ms per token at prompt 512 for SPLITWISE_BATCHES. */
const SPLITWISE_TABLE: readonly [string, number, readonly number[], readonly number[], readonly number[]][] =
  [
    [
      "h100-sxm",
      4,
      [59.56, 105.11, 198.18, 481.02, 907.67],
      [59.56, 103.3, 189.45, 453.24, 874.35, 1701.07, 3515.46],
      [29.76, 29.98, 29.87, 31.44, 32.37, 36.82, 51.05],
    ],
    [
      "h100-sxm",
      8,
      [54.47, 77.42, 136.93, 418.58, 827.06],
      [54.47, 76.87, 132.7, 380.8, 811.93, 1561.89, 2993.78],
      [29.76, 30.41, 31.61, 31.63, 33.74, 38.97, 50.97],
    ],
    [
      "a100-sxm-80gb",
      4,
      [126.9, 226.69, 402.21, 986.92, 2278.45],
      [126.9, 254.48, 571.43, 1233.02, 2892.58, 4731.1, 10999.04],
      [44.32, 45.0, 45.09, 45.52, 48.31, 52.56, 72.22],
    ],
    [
      "a100-sxm-80gb",
      8,
      [94.41, 154.46, 274.36, 634.35, 1588.17],
      [94.41, 165.72, 291.92, 754.22, 1973.76, 3152.75, 8739.62],
      [44.84, 44.69, 45.79, 46.35, 50.44, 52.73, 70.15],
    ],
  ];

const splitwise: InferenceMeasurement[] = SPLITWISE_TABLE.flatMap(
  ([accelerator, tp, promptSweep, batchPrompt, batchToken]) => {
    const gpu = accelerator === "h100-sxm" ? "h100" : "a100";
    const common = {
      source: "splitwise-profiles" as const,
      model: "llama-2-70b",
      accelerator,
      precision: "bf16" as const,
      kvPrecision: "bf16" as const,
      tp,
      outputTokens: SPLITWISE_OUTPUT,
    };
    const prompts = SPLITWISE_PROMPTS.map((inputTokens, i) => ({
      ...common,
      id: `splitwise-${gpu}-tp${tp}-prefill-${inputTokens}`,
      inputTokens,
      metric: "prefill-seconds" as const,
      batch: 1,
      measured: (promptSweep[i] as number) * 1e-3,
    }));
    const batches = SPLITWISE_BATCHES.flatMap((batch, i) => [
      ...(batch > 1
        ? [
            {
              ...common,
              id: `splitwise-${gpu}-tp${tp}-prefill-512-b${batch}`,
              inputTokens: 512,
              metric: "prefill-seconds" as const,
              batch,
              measured: (batchPrompt[i] as number) * 1e-3,
            },
          ]
        : []),
      {
        ...common,
        id: `splitwise-${gpu}-tp${tp}-decode-b${batch}`,
        inputTokens: 512,
        metric: "time-per-output-token" as const,
        batch,
        measured: (batchToken[i] as number) * 1e-3,
      },
    ]);
    return [...prompts, ...batches];
  },
);

export const INFERENCE_MEASUREMENTS: readonly InferenceMeasurement[] = [...offline, ...online, ...splitwise];
