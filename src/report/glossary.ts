import type { BuildoutResult } from "../facility/buildout.ts";
import type { MemoryBreakdown } from "../parallel/memory.ts";
import type { StepBreakdown } from "../parallel/step-time.ts";
import type { ServingHeadline } from "../pipeline/serve-headline.ts";
import type { RunPercentile } from "../reliability/simulate.ts";

// What each reported term is and how it is computed: one label and one explanation per key of each
// breakdown, checked by the compiler, shared by the text reports, the web page (labels and tooltips)
// and the search's "loses by". The order of the entries is the order of the report rows.

export interface Term {
  readonly label: string;
  /** The formula or the source behind the number. */
  readonly help: string;
}

export const MEMORY_TERMS = {
  weights: {
    label: "weights (incl. low-precision copies)",
    help: "parameters on this GPU x the recipe's weight bytes (sharded over dp x cp by ZeRO 3), plus low-precision cast copies",
  },
  gradients: {
    label: "gradients",
    help: "parameters on this GPU x the recipe's gradient bytes, sharded over dp x cp by ZeRO 2 and 3",
  },
  optimizer: {
    label: "optimizer state",
    help: "parameters on this GPU x the recipe's optimizer bytes (FP32 master copy and Adam moments), sharded over dp x cp by ZeRO 1 and up",
  },
  activations: {
    label: "activations (micro-batches in flight)",
    help: "per-layer activations (Korthikanti et al. 2022, Table 2, for GQA, gated MLPs, flash attention; eager PyTorch keeps more, torch.compile less) x layers on the stage x micro-batches in flight under the stack's schedule",
  },
  logits: {
    label: "output logits and loss",
    help: "last stage only: tokens per micro-batch x (2 B x hidden / SP degree + 4 B x vocabulary / tp)",
  },
  workingBuffers: {
    label: "working buffers",
    help: "the working set of a recomputed layer, plus two gathered layers under ZeRO 3",
  },
  framework: {
    label: "framework (CUDA, NCCL)",
    help: "the stack's CUDA context and workspaces, plus one set of NCCL buffers per communicator (tp, pp, cp, dp, ep) this GPU belongs to",
  },
  allocatorReserve: {
    label: "allocator reserve (fragmentation)",
    help: "the stack's caching-allocator reserve over live tensors, as a share of activations, logits and working buffers",
  },
  total: { label: "total", help: "sum of the terms above, on the largest pipeline stage" },
} as const satisfies Record<keyof MemoryBreakdown, Term>;

export const STEP_TERMS = {
  matmul: {
    label: "matrix math (GEMMs)",
    help: "GEMM FLOPs / (peak x efficiency at that GEMM shape); the efficiency curve is fitted to measured H100 kernels (data/h100-sxm-measured-ceilings.json)",
  },
  attention: {
    label: "attention scores/values",
    help: "attention FLOPs / flash-attention rate at the (chunk) sequence length, fitted to measured kernels",
  },
  elementwise: {
    label: "elementwise (norms, activations)",
    help: "bytes moved by norms, activations, residuals and casts / (HBM bandwidth x sustained fraction)",
  },
  recompute: {
    label: "activation recompute",
    help: "the forward work repeated in the backward pass: the attention core (selective) or the whole layer (full)",
  },
  outputLayer: {
    label: "output layer and loss",
    help: "the vocabulary projection and cross-entropy on the last pipeline stage",
  },
  tensorParallelComm: {
    label: "TP/SP collectives (exposed)",
    help: "all-reduce (or reduce-scatter + all-gather with SP) of each layer's activations, minus the part the stack hides behind GEMMs (only inside the NVLink domain)",
  },
  contextParallelComm: {
    label: "CP ring exchange (exposed)",
    help: "key/value blocks passed around the context-parallel ring, minus the part hidden behind attention",
  },
  expertParallelComm: {
    label: "EP all-to-all (exposed)",
    help: "expert-parallel dispatch and combine of routed tokens (and their gradients) on the MoE layers, at the busiest rank's load, minus what the stack overlaps",
  },
  pipelineComm: {
    label: "PP point-to-point",
    help: "activations sent between pipeline stages: micro-batches x virtual stages x bytes / link bandwidth, hidden where the stack posts them ahead",
  },
  pipelineBubble: {
    label: "pipeline bubble",
    help: "idle time while the pipeline fills and drains: (pp - 1) / virtual stages micro-batch times for 1F1B, a third of that for zero-bubble, (pp/2 - 1)(F + B/2) for DualPipe",
  },
  dataParallelComm: {
    label: "DP gradient/weight sync (exposed)",
    help: "gradient reduce-scatter (or all-reduce) and weight all-gather in buckets over the fabric (ring/tree, fabric-aware), minus what overlaps the backward (forward) of the layers still to run; the last bucket is exposed",
  },
  optimizer: {
    label: "optimizer step",
    help: "Adam over this GPU's optimizer shard, plus the grad-norm read of every local gradient, at HBM bandwidth",
  },
  host: {
    label: "host launch (GPU waiting on CPU)",
    help: "per micro-batch, kernels x the stack's host cost per kernel plus its per-micro-batch cost, where that exceeds the GPU time",
  },
  overhead: {
    label: "per-step overhead",
    help: "a fixed figure of the software stack per step: data loading, logging, optimizer launches",
  },
  total: { label: "step time", help: "sum of the terms above on the bottleneck pipeline stage" },
} as const satisfies Record<keyof StepBreakdown, Term>;

export const POWER_TERMS = {
  gpus: { label: "GPUs", help: "GPUs x TDP at peak; x the platform's typical GPU fraction in training" },
  serverOther: {
    label: "CPUs, memory, NICs, fans (servers)",
    help: "server maximum draw minus its GPUs, per server (platform datasheet)",
  },
  switches: { label: "network switches", help: "switches x switch power (datasheet)" },
  optics: { label: "optical transceivers", help: "transceivers x module power (datasheet)" },
  storage: { label: "storage", help: "terabytes x watts per terabyte (site)" },
  total: { label: "IT total", help: "sum of the components above (IT load, before cooling and losses)" },
} as const satisfies Record<keyof BuildoutResult["power"]["peakWatts"], Term>;

export const COST_TERMS = {
  servers: { label: "GPU servers", help: "servers x server price (platform)" },
  switches: { label: "network switches", help: "switches x switch price" },
  optics: { label: "optical transceivers", help: "transceivers x module price" },
  storage: { label: "storage", help: "terabytes x price per terabyte (site)" },
  facility: {
    label: "building, power and cooling",
    help: "critical IT megawatts x facility cost per IT megawatt (site)",
  },
  total: { label: "capex total", help: "sum of the items above" },
} as const satisfies Record<keyof BuildoutResult["cost"]["capexBreakdownUsd"], Term>;

export const OPEX_TERMS = {
  electricity: { label: "electricity per year", help: "typical IT MW x PUE x 8,760 h x $/MWh (site)" },
  maintenance: {
    label: "maintenance per year",
    help: "hardware capex x the site's maintenance fraction a year",
  },
} as const satisfies Record<keyof BuildoutResult["cost"]["opexBreakdownUsdPerYear"], Term>;

/** The run's figures over the Monte Carlo trials (P10/P50/P90), in report order. */
export const RUN_TERMS = {
  days: {
    label: "wall-clock days",
    help: "days from start to the last token: training, checkpoints, failures, restarts and lost work",
  },
  goodput: { label: "goodput", help: "time spent on training that is kept / wall-clock time of the run" },
  interruptions: {
    label: "interruptions",
    help: "failures and planned stops that halt the job, drawn from the failure mix's rates per GPU-hour",
  },
  energyMegawattHours: {
    label: "energy (MWh)",
    help: "facility power while training and while idle x hours",
  },
  costUsd: {
    label: "cluster cost for the run",
    help: "GPUs held x wall-clock hours x $ per GPU-hour of the build-out (idle GPUs included)",
  },
} as const satisfies Record<RunPercentile, Term>;

/** The headline results of a plan and its run. */
export const RESULT_TERMS = {
  daysUninterrupted: {
    label: "days of uninterrupted compute",
    help: "training tokens / tokens per step x step time, with no failure",
  },
  daysWithFailures: {
    label: "days with failures (P50)",
    help: "median of the Monte Carlo: failures drawn from the failure mix's rates, each costing detection, restart and the work since the last checkpoint",
  },
  goodput: RUN_TERMS.goodput,
  interruptions: {
    label: "interruptions",
    help: "failures that stop the job over the run: GPUs x the mix's rate per GPU-hour x hours",
  },
  mfu: {
    label: "MFU",
    help: "model FLOPs per second per GPU / the accelerator's dense BF16 peak (PaLM's convention, attention as set)",
  },
  stepTime: { label: "step time", help: STEP_TERMS.total.help },
  memoryPerGpu: {
    label: "memory per GPU",
    help: "sum of the memory terms on the largest pipeline stage, against the HBM capacity",
  },
  tokensPerSecond: { label: "tokens/s", help: "tokens per step / step time" },
  capex: {
    label: "capex",
    help: "servers, network, optics, storage and the building (bill of materials x prices)",
  },
  usdPerGpuHour: {
    label: "$ per GPU-hour",
    help: "(capex / years of life + electricity + maintenance per year) / (GPUs x 8,760 h x utilization)",
  },
  trainingUsd: {
    label: "training cost",
    help: "GPU-hours of uninterrupted compute x $ per GPU-hour of the build-out (the generic 2025 site's when none is given)",
  },
  runUsd: {
    label: "run cost (P50)",
    help: "GPUs held x wall-clock hours of the run with failures x $ per GPU-hour (median of the Monte Carlo)",
  },
  capexUsdPerYear: {
    label: "amortized capex per year",
    help: "hardware capex / hardware years + building capex / building years (site)",
  },
  facilityMegawatts: {
    label: "facility MW",
    help: "IT power at peak x PUE",
  },
} satisfies Record<string, Term>;

/** The headline figures of a serving plan, as sweeps and comparisons show them. */
export const SERVING_TERMS = {
  servingLayout: {
    label: "replica",
    help: "the replica layout that serves the demand with the fewest GPUs within the targets: tensor, pipeline (and expert) parallel degrees and decode batch",
  },
  servingReplicas: {
    label: "replicas",
    help: "peak requests per second / one replica's requests per second, with headroom",
  },
  servingGpus: { label: "serving GPUs", help: "replicas x GPUs per replica" },
  servingMegawatts: {
    label: "serving MW",
    help: "the fleet's share of the build-out's typical facility power, drawn around the clock",
  },
  ttftSeconds: {
    label: "time to first token",
    help: "prefill of one request's input on the replica (its forward pass samples the first token)",
  },
  tpotSeconds: {
    label: "time per output token",
    help: "one decode step of the replica's batch / output tokens per step",
  },
  usdPerMillionTokens: {
    label: "$ per million tokens",
    help: "fleet GPUs x $ per GPU-hour / tokens (input and output) served per hour at the day's mean",
  },
  whPerRequest: {
    label: "Wh per request",
    help: "the fleet's facility power / requests per second at the day's mean / 3,600",
  },
  servingUsdPerYear: {
    label: "serving cost per year",
    help: "fleet GPUs x $ per GPU-hour x 8,760 h",
  },
} as const satisfies Record<keyof ServingHeadline, Term>;

/** The keys of a glossary, in report order. */
export function termKeys<K extends string>(terms: Readonly<Record<K, Term>>): K[] {
  return Object.keys(terms) as K[];
}
