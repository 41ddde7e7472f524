import * as z from "zod";
import type { Platform } from "../catalog/platforms.ts";
import type { Site } from "../catalog/sites.ts";
import { TUNABLE_CONSTANTS, type TunableConstant } from "../catalog/stack-constants.ts";
import { MAX_GPUS, MAX_TRIALS, MAX_UNCERTAINTY_SAMPLES, MAX_WINDOW_DAYS } from "../limits.ts";
import type { ModelSpec } from "../model/transformer.ts";
import { CUDA_GRAPH_STEP_SECONDS } from "../serving/replica.ts";

// The scenario file format: the single source of its types, of every field's label, help and unit,
// of the JSON Schema shipped for editors (title and description on every field) and of the web
// page's form (web/src/fields.ts keeps only the order and folding of the fields).

// Bounds keep a typo (1e30 GPUs) from turning into an hours-long search or an out-of-memory error.
const count = z.number().int().positive().max(1_000_000_000);
const small = z.number().int().positive().max(100_000);
const positive = z.number().positive();

/** Where a field's choices come from, when they are catalog names rather than a fixed list. */
export type FieldCatalog =
  | "models"
  | "accelerators"
  | "stacks"
  | "sites"
  | "platforms"
  | "network"
  | "failures"
  | "training-presets"
  | "checkpoint-presets";

/** A field's label and help, for editors (JSON Schema title and description) and the page's form. */
export interface FieldMeta {
  readonly title: string;
  readonly description: string;
  readonly unit?: string;
  /** What leaving the field out means ("searched", "the preset's", ...). */
  readonly emptyMeans?: string;
  readonly catalog?: FieldCatalog;
}

const field = <T extends z.ZodType>(schema: T, meta: FieldMeta): T => schema.meta({ ...meta });

export const moeSchema = z
  .strictObject({
    experts: field(small, { title: "Experts (MoE)", description: "Routed experts per MoE layer." }),
    expertsPerToken: field(small, {
      title: "Experts per token (top-k)",
      description: "Routed experts each token is sent to.",
    }),
    expertFfnHidden: field(count, {
      title: "Expert FFN hidden size",
      description: "MLP inner width of one expert.",
    }),
    sharedExperts: field(z.number().int().nonnegative(), {
      title: "Shared experts",
      description: "Experts every token passes through, each expertFfnHidden wide.",
    }).default(0),
    denseLayers: field(z.number().int().nonnegative(), {
      title: "Leading dense layers",
      description: "First layers with a dense MLP instead of experts (DeepSeek-V3: 3).",
    }).default(0),
    layerInterval: field(count, {
      title: "MoE layer interval",
      description: "After the dense layers, every n-th layer is MoE (1: all of them).",
    }).default(1),
    capacityFactor: field(z.number().nonnegative(), {
      title: "Capacity factor",
      description: "Expert capacity over the balanced load; tokens beyond it are dropped. 0: dropless.",
    }).default(0),
    loadImbalance: field(z.number().min(1), {
      title: "Load imbalance",
      description: "Tokens on the busiest expert-parallel rank over the mean; 1 is perfectly balanced.",
    }).default(1),
    maxNodesPerToken: field(z.number().int().nonnegative(), {
      title: "Nodes per token",
      description:
        "Node-limited routing: scale-up domains a token may be sent to (DeepSeek-V3: 4); 0: no limit.",
    }).default(0),
  })
  .meta({ title: "Mixture of experts", description: "MoE MLPs; leave out for a dense model." });

export const mlaSchema = z
  .strictObject({
    qLoraRank: field(z.number().int().nonnegative(), {
      title: "Query latent rank",
      description: "Rank of the compressed query (0: no query compression).",
    }),
    kvLoraRank: field(count, {
      title: "Key/value latent rank",
      description: "Rank of the compressed keys and values.",
    }),
    qkNopeHeadDim: field(count, {
      title: "Query/key head width (no rotary)",
      description: "Per-head width of the query/key part without rotary embedding.",
    }),
    qkRopeHeadDim: field(count, {
      title: "Query/key rotary width",
      description: "Per-head width of the rotary query/key part.",
    }),
    vHeadDim: field(count, { title: "Value head width", description: "Per-head width of the values." }),
  })
  .meta({
    title: "Multi-head latent attention",
    description: "DeepSeek-V2/V3 latent attention; leave out for multi-head or grouped-query attention.",
  });

const preferPreset = "; empty: the preset's.";

export const modelObjectSchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Model",
      description: "A catalog model; the fields beside it override its figures one by one.",
      catalog: "models",
      emptyMeans: "custom (fields below)",
    }).optional(),
    name: field(z.string(), { title: "Name", description: "Name of a custom model." }).optional(),
    layers: field(small, { title: "Layers", description: `Transformer layers${preferPreset}` }).optional(),
    hidden: field(count, { title: "Hidden size", description: `Model width d${preferPreset}` }).optional(),
    heads: field(small, { title: "Attention heads", description: `Query heads${preferPreset}` }).optional(),
    kvHeads: field(small, {
      title: "Key/value heads",
      description: `Grouped-query attention groups; equal to heads for multi-head${preferPreset}`,
    }).optional(),
    ffnHidden: field(count, {
      title: "FFN hidden size",
      description: `MLP inner width${preferPreset}`,
    }).optional(),
    gated: field(z.boolean(), {
      title: "Gated MLP (SwiGLU)",
      description: "Three MLP matrices instead of two.",
      emptyMeans: "preset's",
    }).optional(),
    vocab: field(count, {
      title: "Vocabulary",
      description: `Tokens in the vocabulary${preferPreset}`,
    }).optional(),
    tiedEmbeddings: field(z.boolean(), {
      title: "Tied embeddings",
      description: "Input embedding and output layer share one matrix.",
      emptyMeans: "preset's",
    }).optional(),
    dropout: field(z.boolean(), {
      title: "Dropout",
      description: "Dropout layers present (GPT-style): masks add to activation memory.",
      emptyMeans: "preset's",
    }).optional(),
    moe: moeSchema.optional(),
    mla: mlaSchema.optional(),
  })
  .meta({ title: "Model", description: "A catalog model's name, or a section of fields (over a preset)." });

/** A fixed count, or a range the layout search may pick from (it takes the largest that fits the layout). */
const countOrRange = z.union([
  count,
  z.strictObject({
    min: field(count, { title: "Smallest", description: "The smallest value the search may pick." }),
    max: field(count, { title: "Largest", description: "The largest value the search may pick." }),
  }),
]);

export const trainingSchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Recipe preset",
      description: "A published pre-training recipe; the fields beside it override it.",
      catalog: "training-presets",
      emptyMeans: "none (fields below)",
    }).optional(),
    sequenceLength: field(count.max(16_777_216), {
      title: "Sequence length (tokens)",
      description: "Tokens per training sequence.",
      unit: "tokens",
    }),
    globalBatchSequences: field(countOrRange, {
      title: "Global batch (sequences)",
      description: "Sequences per optimizer step; { min, max } lets the search pick.",
      unit: "sequences",
    }).optional(),
    globalBatchTokens: field(countOrRange, {
      title: "Global batch (tokens)",
      description: "Tokens per optimizer step (or sequences above); { min, max } lets the search pick.",
      unit: "tokens",
    }).optional(),
    tokens: field(positive.max(1e18), {
      title: "Training tokens",
      description: "The token budget; gives the time to train. 15e12 is 15 trillion.",
      unit: "tokens",
    }).optional(),
    precision: field(z.enum(["bf16", "fp8", "mxfp8", "nvfp4"]), {
      title: "Precision",
      description:
        "Linear layers' math in BF16, FP8 (per-tensor scaling), MXFP8 or NVFP4 (block-scaled, Blackwell); attention, router and output stay BF16.",
      emptyMeans: "bf16 (default)",
    }).default("bf16"),
    recipe: field(z.enum(["megatron", "megatron-fp8-params", "pytorch-amp"]), {
      title: "Mixed-precision recipe",
      description:
        "Bytes per parameter of weights, gradients and optimizer state: Megatron's, Megatron's with FP8 weights, or PyTorch AMP's.",
      emptyMeans: "megatron (default)",
    }).default("megatron"),
    attentionFlops: field(z.enum(["causal", "full"]), {
      title: "Attention FLOPs counted",
      description: "For MFU: the full attention matrix (PaLM's convention) or only its causal half.",
      emptyMeans: "full (default)",
    }).default("full"),
  })
  .meta({ title: "Training", description: "Sequence length, batch, token budget and precision." });

const fraction = z.number().positive().max(1);
const label = (max: number) => z.string().min(1).max(max);

/**
 * A GPU of the user's own: a catalog preset with figures overridden, or every figure. Figures are in
 * the units vendors quote (GB, TFLOP/s, GB/s, Gb/s, W); resolve-hardware.ts converts them to SI.
 */
export const acceleratorObjectSchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Accelerator preset",
      description: "A catalog GPU; the figures beside it override its own one by one.",
      catalog: "accelerators",
      emptyMeans: "custom (every figure below)",
    }).optional(),
    calibrateAs: field(z.string(), {
      title: "Calibrate as",
      description:
        "A catalog GPU whose generation's measured constants (kernel rates, sustained fraction, link efficiencies) this part uses; required without a preset.",
      catalog: "accelerators",
      emptyMeans: "the preset's",
    }).optional(),
    name: field(label(60), {
      title: "Name",
      description: "The part's name in reports; not a catalog accelerator's name.",
      emptyMeans: "the preset's name + -custom",
    }).optional(),
    displayName: field(label(120), {
      title: "Display name",
      description: "The part's long name.",
    }).optional(),
    hbmGB: field(positive.max(10_000), {
      title: "HBM (GB)",
      description:
        "Memory per GPU in GB (1e9 bytes), as the GPU reports it: an '80GB' H100 reports 85 GB (80 GiB).",
      unit: "GB",
    }).optional(),
    bf16DenseTflops: field(positive.max(100_000), {
      title: "BF16 dense TFLOP/s",
      description: "Dense BF16 tensor rate per GPU (vendors often quote 2:4 sparse: halve it).",
      unit: "TFLOP/s",
    }).optional(),
    fp8DenseTflops: field(z.number().nonnegative().max(100_000), {
      title: "FP8 dense TFLOP/s",
      description: "Dense FP8 tensor rate per GPU; 0: no FP8 tensor cores.",
      unit: "TFLOP/s",
    }).optional(),
    fp4DenseTflops: field(z.number().nonnegative().max(1_000_000), {
      title: "FP4 dense TFLOP/s",
      description: "Dense block-scaled FP4 (NVFP4/MXFP4) rate per GPU; 0: no FP4 tensor cores.",
      unit: "TFLOP/s",
    }).optional(),
    hbmGBps: field(positive.max(100_000), {
      title: "HBM bandwidth (GB/s)",
      description: "Memory bandwidth per GPU (8 TB/s: 8000).",
      unit: "GB/s",
    }).optional(),
    scaleUpDomainGpus: field(small, {
      title: "NVLink domain (GPUs)",
      description: "GPUs sharing one NVLink / Infinity Fabric domain (8 on HGX, 72 on NVL72).",
      unit: "GPUs",
    }).optional(),
    scaleUpGBps: field(positive.max(100_000), {
      title: "NVLink GB/s per direction",
      description: "Scale-up bandwidth per GPU, each way (NVLink 4's 900 GB/s is both ways: 450).",
      unit: "GB/s",
    }).optional(),
    scaleOutGbps: field(positive.max(100_000), {
      title: "NIC Gb/s per GPU",
      description: "Scale-out NIC line rate per GPU.",
      unit: "Gb/s",
    }).optional(),
    tdpWatts: field(positive.max(10_000), {
      title: "TDP (W)",
      description: "Board power per GPU at full load.",
      unit: "W",
    }).optional(),
  })
  .meta({
    title: "Accelerator",
    description: "A GPU of your own: a preset with figures overridden, or every figure and calibrateAs.",
  });

/** A catalog accelerator's name, or a section (over a preset). */
const acceleratorField = (title: string, description: string, emptyMeans?: string) =>
  field(z.union([z.string(), acceleratorObjectSchema]), {
    title,
    description,
    catalog: "accelerators",
    ...(emptyMeans ? { emptyMeans } : {}),
  });

/** A server or rack-scale system of the user's own: a catalog preset with fields overridden, or all. */
export const platformObjectSchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Platform preset",
      description: "A catalog server; the fields beside it override its own one by one.",
      catalog: "platforms",
      emptyMeans: "custom (fields below)",
    }).optional(),
    name: field(label(60), {
      title: "Name",
      description: "The server's name in reports; not a catalog platform's name.",
      emptyMeans: "the preset's name + -custom",
    }).optional(),
    displayName: field(label(120), {
      title: "Display name",
      description: "The server's long name.",
    }).optional(),
    gpusPerServer: field(z.number().int().positive().max(10_000), {
      title: "GPUs per server",
      description: "GPUs in one server or rack-scale system (8 on HGX, 72 on NVL72).",
      unit: "GPUs",
    }).optional(),
    gpusPerHost: field(z.number().int().positive().max(10_000), {
      title: "GPUs per host",
      description: "GPUs behind one host (a compute tray in a rack-scale system); divides gpusPerServer.",
      unit: "GPUs",
      emptyMeans: "gpusPerServer",
    }).optional(),
    serverMaxWatts: field(positive.max(10_000_000), {
      title: "Server maximum (W)",
      description: "Maximum draw of one server with its GPUs at TDP (what power delivery is sized for).",
      unit: "W",
    }).optional(),
    typicalGpuFraction: field(fraction, {
      title: "GPU draw in training",
      description: "GPU draw in steady training as a fraction of TDP.",
      emptyMeans: "0.8",
    }).optional(),
    typicalOtherFraction: field(fraction, {
      title: "Other draw in training",
      description: "Draw of everything else in the server in training, as a fraction of its maximum.",
      emptyMeans: "0.6",
    }).optional(),
    rackUnits: field(z.number().int().positive().max(100), {
      title: "Height (U)",
      description: "Rack units one server takes.",
      unit: "U",
    }).optional(),
    cooling: field(z.enum(["air", "liquid"]), {
      title: "Cooling",
      description:
        "Air or direct liquid cooling (for the catalog listing; the site's rack limit sets density).",
      emptyMeans: "air",
    }).optional(),
    priceUsd: field(positive.max(1e9), {
      title: "Server price ($)",
      description: "Price of one server with its GPUs and NICs.",
      unit: "$",
    }).optional(),
  })
  .meta({
    title: "Server platform",
    description: "A server of your own: a preset with fields overridden, or every field.",
  });

const tunableFields = (section: TunableConstant["section"]) =>
  Object.fromEntries(
    TUNABLE_CONSTANTS.filter((c) => c.section === section).map((c) => [
      c.name,
      field(z.number().min(c.min).max(c.max), {
        title: c.title,
        description: `${c.description} (${c.min} to ${c.max})`,
        ...(c.unit ? { unit: c.unit } : {}),
      }).optional(),
    ]),
  ) as Record<string, z.ZodOptional<z.ZodNumber>>;

const fractionField = (title: string, description: string) =>
  field(z.number().positive().max(1), { title, description });
const flag = (title: string, description: string) => field(z.boolean(), { title, description }).optional();

/** What `gigacluster calibrate` fitted a stack file from: kept with the file, shown in plans. */
export const stackCalibrationSchema = z
  .strictObject({
    date: field(label(40), { title: "Date", description: "When the constants were fitted (ISO date)." }),
    runs: field(z.number().int().nonnegative(), {
      title: "Runs",
      description: "Measured runs the fit used.",
      unit: "runs",
    }),
    runIds: field(z.array(label(200)).max(100_000), {
      title: "Run names",
      description: "The measured runs the fit used, as named in the runs file.",
    }).optional(),
    meanAbsoluteErrorBefore: field(z.number().nonnegative(), {
      title: "Error before",
      description: "Mean absolute step-time error of the base stack on the runs.",
    }),
    meanAbsoluteError: field(z.number().nonnegative(), {
      title: "Error after",
      description: "Mean absolute step-time error of the fitted stack on the runs it was fitted to.",
    }),
    crossValidatedError: field(z.number().nonnegative(), {
      title: "Cross-validated error",
      description: "Mean absolute step-time error on runs left out of the fit (k-fold): what to expect.",
    }).optional(),
    folds: field(z.number().int().nonnegative(), {
      title: "Folds",
      description: "Folds of the cross-validation.",
    }).optional(),
    constants: field(
      z.record(
        label(80),
        z
          .strictObject({
            base: field(z.number(), { title: "Base value", description: "The base stack's value." }),
            value: field(z.number(), { title: "Fitted value", description: "The value fitted." }),
            min: field(z.number(), { title: "Lower bound", description: "The fit's lower bound." }),
            max: field(z.number(), { title: "Upper bound", description: "The fit's upper bound." }),
            determined: field(z.boolean(), {
              title: "Determined",
              description: "false: the runs do not constrain it; left at the base value.",
            }),
          })
          .meta({ title: "Fitted constant", description: "One constant's base, fitted value and bounds." }),
      ),
      { title: "Constants", description: "Each free constant's base value, fitted value and bounds." },
    ).optional(),
  })
  .meta({ title: "Calibration", description: "What the stack's constants were fitted from." });

/** A software stack of the user's own: a catalog stack with constants overridden (a stack file). */
export const stackObjectSchema = z
  .strictObject({
    name: field(label(60), {
      title: "Stack name",
      description: "The stack's name in reports.",
      emptyMeans: "the base stack's name + -custom",
    }).optional(),
    basedOn: field(z.string(), {
      title: "Based on",
      description: "The catalog stack whose constants and features the fields beside it override.",
      catalog: "stacks",
      emptyMeans: "megatron-core",
    }).optional(),
    description: field(label(400), { title: "Description", description: "What the stack is." }).optional(),
    ...tunableFields("stack"),
    attentionKernel: field(z.enum(["flash", "unfused"]), {
      title: "Attention kernel",
      description: "Fused (flash) attention, or softmax through HBM.",
    }).optional(),
    activationStyle: field(z.enum(["fused", "eager", "compiled"]), {
      title: "Activation style",
      description: "What the forward keeps for the backward: fused kernels, eager PyTorch, or torch.compile.",
    }).optional(),
    gradReduceOverlap: flag("Gradient reduce overlap", "Gradients reduced in buckets during the backward."),
    paramGatherOverlap: flag("Weight gather overlap", "ZeRO weight all-gather overlapped with the forward."),
    pipelineCommOverlap: flag("Pipeline send/receive overlap", "Pipeline traffic overlapped with compute."),
    zero3CopyOut: flag(
      "ZeRO-3 copy-out",
      "Gathered weights copied out to per-parameter tensors on the compute stream (FSDP2).",
    ),
    contextParallelAlgorithm: field(z.enum(["ring", "all-gather"]), {
      title: "Context-parallel algorithm",
      description: "ring: K/V chunks passed behind attention; all-gather: K/V gathered first, exposed.",
    }).optional(),
    pipelineSchedule: field(z.enum(["1f1b", "zero-bubble", "dualpipe"]), {
      title: "Pipeline schedule",
      description: "1F1B (interleaved with virtual stages), zero-bubble ZB-H1, or DualPipe.",
    }).optional(),
    pipelinePartition: field(z.enum(["even", "balanced"]), {
      title: "Pipeline partition",
      description: "Layers cut evenly, or balanced against the embedding's and output layer's cost.",
    }).optional(),
    gradReduceBytes: field(z.union([z.literal(2), z.literal(4)]), {
      title: "Gradient reduce bytes",
      description: "Bytes per gradient element in the data-parallel reduction (bf16: 2, fp32: 4).",
      unit: "bytes",
    }).optional(),
    hardware: z
      .strictObject({
        ...tunableFields("hardware"),
        gemm: z
          .strictObject({
            maxFraction: fractionField("GEMM ceiling", "Largest share of the dense peak a GEMM reaches."),
            halfDim: field(z.number().nonnegative().max(100_000), {
              title: "GEMM half dimension",
              description: "Dimension at which a GEMM reaches half its ceiling on that axis.",
            }),
            kernelSeconds: field(z.number().nonnegative().max(1e-3), {
              title: "GEMM fixed cost",
              description: "Fixed time per GEMM kernel.",
              unit: "s",
            }),
          })
          .meta({ title: "GEMM rate curve", description: "Refitted from measured GEMM rates." })
          .optional(),
        flashAttention: z
          .strictObject({
            forwardMaxFraction: fractionField("Attention forward ceiling", "Forward share of the peak."),
            forwardHalfSeq: field(z.number().nonnegative().max(1e6), {
              title: "Attention forward half length",
              description: "Key length at which the forward reaches half its ceiling.",
            }),
            trainingMaxFraction: fractionField("Attention training ceiling", "Forward+backward share."),
            trainingHalfSeq: field(z.number().nonnegative().max(1e6), {
              title: "Attention training half length",
              description: "Key length at which forward+backward reaches half its ceiling.",
            }),
          })
          .meta({ title: "Attention rate curve", description: "Refitted from measured attention rates." })
          .optional(),
      })
      .meta({
        title: "Hardware constants",
        description: "Constants of the accelerator's generation as measured or fitted on this cluster.",
      })
      .optional(),
    calibration: stackCalibrationSchema.optional(),
  })
  .meta({
    title: "Software stack",
    description:
      "A stack of your own: a catalog stack with constants overridden, as gigacluster calibrate writes.",
  });

export const clusterSchema = z
  .strictObject({
    accelerator: acceleratorField(
      "Accelerator",
      "The GPU: a catalog name, or a section { preset, hbmGB, ... } of your own; optional when the site names one.",
      "the site's",
    ).optional(),
    gpus: field(count.max(MAX_GPUS), {
      title: "GPUs",
      description: "GPUs in the job; optional when the site or the budget decides it.",
      unit: "GPUs",
      emptyMeans: "from the site or the budget",
    }).optional(),
    stack: field(z.union([z.string(), stackObjectSchema]), {
      title: "Software stack",
      description:
        "Megatron-Core, DeepSpeed, FSDP2/TorchTitan or plain PyTorch: its overlaps, fusions, schedule, host cost and memory habits; hardware constants follow the accelerator. In a file: a stack file's path (./my-stack.yaml, from gigacluster calibrate) or its section.",
      catalog: "stacks",
      emptyMeans: "megatron-core",
    }).optional(),
    scaleOutGbpsPerGpu: field(z.number().positive().max(100_000), {
      title: "NIC Gb/s per GPU",
      description:
        "Scale-out network rate per GPU, where it differs from the accelerator's usual one (4 x 100G per 8 GPUs: 50).",
      unit: "Gb/s",
    }).optional(),
  })
  .meta({ title: "Cluster", description: "The accelerator, how many, and the software stack." });

const searched = { emptyMeans: "searched" } as const;
const degree = (title: string) =>
  field(small, {
    title,
    description: "Pins this degree; empty: the search picks it.",
    ...searched,
  }).optional();

/** Fields left out are chosen by the layout search; `layout: auto` (or no layout) searches them all. */
export const layoutSchema = z
  .strictObject({
    tp: degree("Tensor parallel (tp)"),
    pp: degree("Pipeline parallel (pp)"),
    cp: degree("Context parallel (cp)"),
    dp: field(count, {
      title: "Data parallel (dp)",
      description: "Pins this degree; empty: the search picks it.",
      ...searched,
    }).optional(),
    ep: degree("Expert parallel (ep)"),
    microBatch: field(small, {
      title: "Micro-batch (sequences)",
      description: "Pins the micro-batch; empty: the search picks it.",
      ...searched,
    }).optional(),
    virtualStages: field(small, {
      title: "Virtual stages (interleaving)",
      description: "Pins the interleaving depth; empty: the search picks it.",
      ...searched,
    }).optional(),
    recompute: field(z.enum(["none", "selective", "full"]), {
      title: "Activation recompute",
      description: "Pins the recompute policy; empty: searched.",
      ...searched,
    }).optional(),
    zero: field(z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]), {
      title: "ZeRO stage",
      description: "Pins the optimizer-state sharding; empty: searched.",
      ...searched,
    }).optional(),
    sequenceParallel: field(z.boolean(), {
      title: "Sequence parallel",
      description: "Pins sequence parallelism; empty: searched.",
      ...searched,
    }).optional(),
    firstStageLayers: field(small, {
      title: "Layers on the first stage",
      description: "Megatron's decoder-first-pipeline-num-layers; empty: the stack's partition.",
    }).optional(),
    lastStageLayers: field(small, {
      title: "Layers on the last stage",
      description: "Megatron's decoder-last-pipeline-num-layers; empty: the stack's partition.",
    }).optional(),
  })
  .meta({ title: "Layout", description: "Parallel layout; fields left out are chosen by the search." });

export const searchSchema = z
  .strictObject({
    maxTp: field(count, {
      title: "Largest tp",
      description: "Largest tensor-parallel degree; defaults to the accelerator's scale-up domain.",
    }).optional(),
    memoryHeadroomGiB: field(z.number().nonnegative(), {
      title: "Memory headroom (GiB)",
      description:
        "Memory to keep free on every GPU; default: the 10% margin below which a footprint is 'tight'.",
      unit: "GiB",
    }).optional(),
    top: field(count.max(50), {
      title: "Layouts listed",
      description: "How many of the best layouts to report (up to 50).",
    }).default(5),
  })
  .meta({ title: "Search", description: "Limits and margins of the layout search." });

export const siteObjectSchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Site",
      description: "A data-centre design (power, racks, network, prices); the fields beside it override it.",
      catalog: "sites",
      emptyMeans: "none",
    }).optional(),
    name: field(z.string(), { title: "Name", description: "Name of the site." }).optional(),
    displayName: field(z.string(), {
      title: "Display name",
      description: "The site's name in reports.",
    }).optional(),
    accelerator: acceleratorField(
      "Site accelerator",
      "The GPU the site holds: a catalog name, or a section of your own.",
    ).optional(),
    gpus: field(count.max(MAX_GPUS), {
      title: "Site GPUs",
      description: "GPUs the site holds.",
      unit: "GPUs",
    }).optional(),
    platform: field(z.union([z.string(), platformObjectSchema]), {
      title: "Server platform",
      description:
        "The server or rack-scale system holding the GPUs: a catalog name, or a section of your own.",
      catalog: "platforms",
    }).optional(),
    network: field(z.string(), {
      title: "Network family",
      description: "Switches and optics of the scale-out fabric.",
      catalog: "network",
    }).optional(),
    powerMegawatts: field(positive, {
      title: "Site power (MW)",
      description: "The facility power envelope the site is built to.",
      unit: "MW",
    }).optional(),
    pue: field(z.number().min(1).max(3), {
      title: "PUE",
      description: "Facility power / IT power.",
    }).optional(),
    rackKilowatts: field(positive, {
      title: "Rack limit (kW)",
      description: "Power and cooling per rack.",
      unit: "kW",
    }).optional(),
    rackUnits: field(count, {
      title: "Rack units",
      description: "Usable height of a rack.",
      unit: "U",
    }).optional(),
    fabric: z
      .strictObject({
        leafOversubscription: field(z.number().min(1), {
          title: "Leaf oversubscription",
          description: "Down-links per up-link at the leaf switches; 1 is non-blocking.",
        }).optional(),
        podGpus: field(z.number().int().nonnegative(), {
          title: "GPUs per pod",
          description: "GPUs per full-bisection pod; 0: the tree's natural pod.",
          unit: "GPUs",
        }).optional(),
        podOversubscription: field(z.number().min(1), {
          title: "Pod oversubscription",
          description: "Oversubscription above the pods; 1 is non-blocking.",
        }).optional(),
        opticalNicLinks: field(z.boolean(), {
          title: "Optical NIC links",
          description: "GPU-to-leaf links over optics (else copper).",
        }).optional(),
      })
      .meta({ title: "Fabric", description: "How the scale-out fabric is laid out." })
      .optional(),
    storageTerabytesPerGpu: field(z.number().nonnegative(), {
      title: "Storage per GPU (TB)",
      description: "Shared storage per GPU.",
      unit: "TB",
    }).optional(),
    storageWattsPerTerabyte: field(z.number().nonnegative(), {
      title: "Storage power (W/TB)",
      description: "Power of the storage per terabyte.",
      unit: "W/TB",
    }).optional(),
    storageUsdPerTerabyte: field(z.number().nonnegative(), {
      title: "Storage price ($/TB)",
      description: "Price of the storage per terabyte.",
      unit: "$/TB",
    }).optional(),
    facilityUsdPerItMegawatt: field(z.number().nonnegative(), {
      title: "Facility $ per IT MW",
      description: "Building, power and cooling per MW of critical IT load.",
      unit: "$/MW",
    }).optional(),
    electricityUsdPerMegawattHour: field(z.number().nonnegative(), {
      title: "Electricity ($/MWh)",
      description: "Price of energy.",
      unit: "$/MWh",
    }).optional(),
    maintenanceFractionPerYear: field(z.number().nonnegative().max(1), {
      title: "Maintenance per year",
      description: "Hardware support as a share of its price a year.",
    }).optional(),
    hardwareYears: field(positive, {
      title: "Hardware life (years)",
      description: "Straight-line amortization of IT hardware.",
      unit: "years",
    }).optional(),
    facilityYears: field(positive, {
      title: "Building life (years)",
      description: "Straight-line amortization of the building.",
      unit: "years",
    }).optional(),
    utilization: field(fraction, {
      title: "Utilization",
      description: "Share of hours the GPUs are used, for $ per GPU-hour.",
    }).optional(),
  })
  .meta({
    title: "Site",
    description: "A site preset's name, or a section of facility assumptions (over a preset).",
  });

export const budgetSchema = z
  .strictObject({
    usd: field(positive.max(1e13), {
      title: "Budget ($)",
      description: "The most GPUs this much capex buys; 12e9 is $12 B.",
      unit: "$",
    }).optional(),
    megawatts: field(positive.max(1e6), {
      title: "Power envelope (MW)",
      description: "The most GPUs this facility power (IT x PUE) holds at peak.",
      unit: "MW",
    }).optional(),
    chipsPerYear: field(count.max(100_000_000), {
      title: "Chips per year",
      description:
        "Chips added per year (an export licence, a supply deal): the power and capex they need each year.",
    }).optional(),
  })
  .meta({ title: "Budget", description: "Money or power that sizes the cluster instead of a GPU count." });

export const rentSchema = z
  .strictObject({
    contractUsd: field(z.number().nonnegative().max(1e13), {
      title: "Contract ($)",
      description: "Money spent renting GPU-hours (a cloud contract); 10e9 is $10 B.",
      unit: "$",
      emptyMeans: "the budget's usd",
    }).optional(),
    years: field(positive.max(30), {
      title: "Contract years",
      description: "Term of the contract, and the years owning is compared over.",
      unit: "years",
    }).default(5),
    term: field(z.enum(["on-demand", "1y", "3y"]), {
      title: "Commitment",
      description: "on-demand, 1y or 3y reserved: picks the price preset of the cluster's accelerator.",
      emptyMeans: "1y",
    }).optional(),
    price: field(z.string(), {
      title: "Price preset",
      description: "A rental price preset by name (h100-sxm-1y, b200-on-demand, gb200-3y, ...).",
      emptyMeans: "the accelerator's preset for the commitment",
    }).optional(),
    usdPerGpuHour: field(positive.max(1000), {
      title: "Price ($/GPU-hour)",
      description: "The rental price per GPU-hour; overrides the preset.",
      unit: "$/GPU-hour",
    }).optional(),
    financingRatePerYear: field(z.number().nonnegative().max(1), {
      title: "Financing rate",
      description: "Yearly interest on the build-out's capex, for owning; 0.076 is 7.6%.",
      emptyMeans: "0.076 (US high-yield, June 2025)",
    }).optional(),
    staffUsdPerMegawattYear: field(z.number().nonnegative().max(1e7), {
      title: "Staff ($/MW-year)",
      description: "Loaded cost of the site's staff per MW of facility power a year, for owning.",
      unit: "$/MW-year",
      emptyMeans: "75,000 (estimate)",
    }).optional(),
  })
  .meta({
    title: "Rent",
    description: "A GPU rental contract: the GPU-hours it buys, and owning the build-out against renting.",
  });

export const reliabilitySchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Failure mix",
      description: "Failure rates per GPU-hour by cause, from a published fleet.",
      catalog: "failures",
      emptyMeans: "default",
    }).optional(),
    rateScale: field(z.number().nonnegative(), {
      title: "Failure rate x",
      description: "Multiplies every cause's rate.",
    }).optional(),
    detectMinutes: field(z.number().nonnegative(), {
      title: "Detection (minutes)",
      description: "Time from a failure to noticing it.",
      unit: "min",
    }).optional(),
    restartMinutes: field(z.number().nonnegative(), {
      title: "Restart (minutes)",
      description: "Time to reschedule and reload after a failure.",
      unit: "min",
    }).optional(),
    spares: field(z.boolean(), {
      title: "Hot spares",
      description: "Whether a failed node is replaced at once from a pool of spares.",
      emptyMeans: "default",
    }).optional(),
    repairHours: field(z.number().nonnegative(), {
      title: "Repair (hours)",
      description: "Time a failed node is out.",
      unit: "h",
    }).optional(),
    shrink: field(z.boolean(), {
      title: "Shrink instead of waiting",
      description: "Whether the job goes on with fewer data-parallel replicas while a node is repaired.",
      emptyMeans: "default",
    }).optional(),
    stragglerSlowdown: field(z.number().nonnegative().max(0.9), {
      title: "Straggler slowdown",
      description: "Fraction of speed lost to slow nodes.",
    }).optional(),
    wearIn: z
      .strictObject({
        extra: field(z.number().nonnegative(), {
          title: "Wear-in extra rate",
          description: "Extra failure rate of new hardware, as a multiple of the steady rate.",
        }),
        halfLifeDays: field(positive, {
          title: "Wear-in half-life (days)",
          description: "Days for the extra rate to halve.",
          unit: "days",
        }),
      })
      .meta({ title: "Wear-in", description: "Early failures of new hardware (infant mortality)." })
      .optional(),
    recovery: z
      .union([
        z.string(),
        z
          .strictObject({
            preset: field(z.string(), {
              title: "Recovery preset",
              description: "The named practice the fields below change (baseline-2024, practice-2025).",
              emptyMeans: "baseline-2024",
            }).optional(),
            detectSeconds: field(z.number().nonnegative().max(86_400), {
              title: "Detection (seconds)",
              description: "Failure to the job knowing it: health checks, heartbeats, NCCL timeouts.",
              unit: "s",
            }).optional(),
            restart: field(z.enum(["job", "in-job"]), {
              title: "Restart",
              description: "A full job restart (reschedule, containers, CUDA contexts) or an in-job one.",
            }).optional(),
            restartFixedSeconds: field(z.number().nonnegative().max(86_400), {
              title: "Restart, fixed part (seconds)",
              description: "The part of a restart that does not grow with the job.",
              unit: "s",
            }).optional(),
            restartSecondsPerThousandRanks: field(z.number().nonnegative().max(60), {
              title: "Restart per 1,000 ranks (seconds)",
              description: "Communicator set-up and rendezvous, growing with the ranks.",
              unit: "s",
            }).optional(),
            checkpointMode: field(z.enum(["sync", "async", "in-memory"]), {
              title: "Checkpoint mode",
              description: "The practice's checkpoints; checkpoint.mode, when set, wins.",
            }).optional(),
            replica: field(z.enum(["none", "same-rack", "other-rack"]), {
              title: "In-memory copy",
              description:
                "Where an in-memory checkpoint's second copy lives; a rack loss takes a same-rack copy.",
            }).optional(),
            durableIntervalMinutes: field(positive.max(10_080), {
              title: "Durable checkpoint interval (minutes)",
              description: "Training between copies on storage, read back when the in-memory copy is lost.",
              unit: "min",
            }).optional(),
            spareNodesPerThousand: field(z.number().nonnegative().max(1000), {
              title: "Spare nodes per 1,000",
              description:
                "Hot spares kept per 1,000 nodes; when all are in repair, a failure waits for one.",
            }).optional(),
            stragglerEvictedShare: field(z.number().min(0).max(1), {
              title: "Straggler slowdown evicted",
              description: "Share of the straggler slowdown removed by finding and evicting slow nodes.",
            }).optional(),
            sdcDetectionMinutes: field(z.number().nonnegative().max(43_200), {
              title: "Silent corruption found after (minutes)",
              description: "Time until silent data corruption is found: the work since is redone.",
              unit: "min",
            }).optional(),
          })
          .meta({ title: "Recovery", description: "A site's own recovery practice: a preset and changes." }),
      ])
      .meta({
        title: "Recovery",
        description:
          "How the job recovers from failures: baseline-2024 (default), practice-2025, or a site's own.",
      })
      .optional(),
  })
  .meta({ title: "Reliability", description: "A failure mix's name, or its settings." });

export const checkpointSchema = z
  .strictObject({
    preset: field(z.string(), {
      title: "Checkpoint preset",
      description: "A published checkpoint set-up: storage bandwidth and mode.",
      catalog: "checkpoint-presets",
      emptyMeans: "none (fields below)",
    }).optional(),
    mode: field(z.enum(["sync", "async", "in-memory"]), {
      title: "Checkpoints",
      description:
        "Synchronous writes stall training; asynchronous ones copy to host memory first; in-memory ones keep a peer's copy.",
      emptyMeans: "default",
    }).optional(),
    interval: field(z.union([positive, z.enum(["daly", "young"])]), {
      title: "Checkpoint interval",
      description:
        "Minutes of training between checkpoints, or daly / young for the optimum by their formulas.",
      unit: "min",
      emptyMeans: "daly",
    }).optional(),
    writeGBpsPerNode: field(positive, {
      title: "Write per node (GB/s)",
      description: "Per-node write bandwidth to the checkpoint store.",
      unit: "GB/s",
    }).optional(),
    readGBpsPerNode: field(positive, {
      title: "Read per node (GB/s)",
      description: "Per-node read bandwidth from the checkpoint store.",
      unit: "GB/s",
    }).optional(),
    aggregateWriteGBps: field(positive, {
      title: "Storage write (GB/s, all nodes)",
      description: "Aggregate write bandwidth of the checkpoint store.",
      unit: "GB/s",
    }).optional(),
    aggregateReadGBps: field(positive, {
      title: "Storage read (GB/s, all nodes)",
      description: "Aggregate read bandwidth of the checkpoint store.",
      unit: "GB/s",
    }).optional(),
  })
  .meta({ title: "Checkpoints", description: "How and how often the run saves its state." });

export const simulationSchema = z
  .strictObject({
    trials: field(count.max(MAX_TRIALS), {
      title: "Monte Carlo trials",
      description: "Runs simulated; more trials, tighter percentiles.",
    }).optional(),
    seed: field(z.number().int(), {
      title: "Seed",
      description: "Random seed: the same seed gives the same result.",
    }).optional(),
    days: field(positive.max(MAX_WINDOW_DAYS), {
      title: "Fixed window (days)",
      description: "Simulate this wall-clock window (how fleets report failures) instead of the whole run.",
      unit: "days",
    }).optional(),
  })
  .meta({ title: "Simulation", description: "The Monte Carlo of the run over time." });

export const uncertaintySchema = z
  .strictObject({
    samples: field(count.max(MAX_UNCERTAINTY_SAMPLES), {
      title: "Uncertainty samples",
      description: "Samples drawn when a field holds a range (low..high) or a distribution.",
    }).optional(),
    seed: field(z.number().int(), {
      title: "Uncertainty seed",
      description: "Random seed of the sampling.",
    }).optional(),
  })
  .meta({ title: "Uncertainty", description: "Sampling of the inputs given as ranges or distributions." });

const share = z.number().min(0).max(1);

/** Serving: a demand, its service levels, and how replicas run (issue 16's contract). */
export const serveSchema = z
  .strictObject({
    demand: z
      .strictObject({
        users: field(count, {
          title: "Daily active users",
          description: "People who use the service on a day.",
          unit: "users",
        }),
        requestsPerUserPerDay: field(positive.max(1e6), {
          title: "Requests per user per day",
          description: "Prompts each daily user sends.",
          unit: "requests",
        }),
        inputTokens: field(count.max(10_000_000), {
          title: "Input tokens per request",
          description: "Prompt tokens, with the conversation and system prompt.",
          unit: "tokens",
        }),
        outputTokens: field(count.max(10_000_000), {
          title: "Output tokens per request",
          description: "Tokens the model writes in its answer.",
          unit: "tokens",
        }),
        reasoningTokens: field(z.number().int().nonnegative().max(10_000_000), {
          title: "Reasoning tokens per request",
          description: "Thinking tokens generated before the answer (decoded like output).",
          unit: "tokens",
        }).default(0),
        peakToMean: field(z.number().min(1).max(100), {
          title: "Peak to mean",
          description: "The busiest hour's request rate over the day's mean.",
        }).default(2),
      })
      .meta({ title: "Demand", description: "Who asks how much." }),
    slo: z
      .strictObject({
        ttftSeconds: field(positive.max(3600), {
          title: "Time to first token (s)",
          description: "Target for the wait before the first output token.",
          unit: "s",
        }).default(2),
        tpotSeconds: field(positive.max(60), {
          title: "Time per output token (s)",
          description: "Target for the time between output tokens (0.05 s: 20 tokens/s per user).",
          unit: "s",
        }).default(0.05),
        percentile: field(z.number().min(0.5).max(0.9999), {
          title: "Percentile",
          description:
            "The percentile the targets are met at, as a fraction (0.9: P90), at the peak: queueing for batch slots and prefill, and prefills sharing the GPUs with decode.",
        }).default(0.9),
      })
      .meta({ title: "Service levels", description: "Latency targets a replica must meet." })
      .default({ ttftSeconds: 2, tpotSeconds: 0.05, percentile: 0.9 }),
    precision: field(z.enum(["bf16", "fp8", "mxfp8", "nvfp4"]), {
      title: "Serving precision",
      description: "Weights and GEMMs in BF16, FP8, MXFP8 or NVFP4.",
      emptyMeans: "fp8 where the accelerator has it, else bf16",
    }).optional(),
    kvPrecision: field(z.enum(["bf16", "fp8"]), {
      title: "KV-cache precision",
      description: "Bytes per cached key/value element: 2 (BF16) or 1 (FP8).",
    }).default("fp8"),
    prefixCacheHitRate: field(share, {
      title: "Prefix-cache hit rate",
      description: "Share of input tokens whose KV is reused from the prefix cache.",
    }).default(0),
    speculativeTokens: field(z.number().int().nonnegative().max(16), {
      title: "Speculative draft tokens",
      description: "Draft tokens verified per decode step (0: off).",
    }).default(0),
    speculativeAcceptance: field(share, {
      title: "Draft acceptance",
      description: "Chance each draft token is accepted.",
    }).default(0.7),
    disaggregated: field(z.boolean(), {
      title: "Disaggregated prefill/decode",
      description: "Separate prefill and decode pools, each sized for its own work.",
    }).default(false),
    headroom: field(z.number().min(0).max(0.9), {
      title: "Headroom",
      description: "Share of each replica's capacity kept free at the peak.",
    }).default(0.2),
    stepOverheadSeconds: field(z.number().nonnegative().max(1), {
      title: "Engine overhead per pass (s)",
      description:
        "Host and scheduler time per forward pass, decode step or prefill (estimate: 0.5 ms with CUDA graphs; a host-bound eager engine: tens of ms).",
      unit: "s",
    }).default(CUDA_GRAPH_STEP_SECONDS),
    usdPerGpuHour: field(positive.max(1000), {
      title: "$ per GPU-hour",
      description: "A rental price; empty: the build-out's own cost per GPU-hour.",
      unit: "$",
      emptyMeans: "the build-out's",
    }).optional(),
    replica: z
      .strictObject({
        tp: field(small, {
          title: "Replica TP",
          description: "Tensor-parallel GPUs per replica.",
        }).optional(),
        pp: field(small, { title: "Replica PP", description: "Pipeline stages per replica." }).optional(),
        ep: field(small, {
          title: "Replica EP",
          description:
            "GPUs a MoE model's experts are spread over (dividing tp x pp; the rest split each expert by TP); 1 for a dense model.",
          emptyMeans: "all the replica's GPUs for a MoE model",
        }).optional(),
        batch: field(small, {
          title: "Decode batch",
          description: "Concurrent sequences per replica.",
        }).optional(),
        contextTokens: field(count.max(10_000_000), {
          title: "Context per sequence",
          description: "KV-cache tokens each sequence is provisioned for (at least input + output).",
          unit: "tokens",
          emptyMeans: "the demand's input + output tokens",
        }).optional(),
      })
      .meta({ title: "Replica", description: "Fields to pin; the rest are searched." })
      .optional(),
  })
  .meta({ title: "Serving", description: "A demand to serve, its latency targets and how replicas run." });

// A fleet over time (the growth command): phases with dates, a supply limit and runs placed on it.
// Its limits are MAX_GROWTH_PHASES, _QUARTERS and _RUNS of facility/phases.ts (test/growth.test.ts checks).
const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a date as YYYY-MM (e.g. 2025-07)");

export const growthPhaseSchema = z
  .strictObject({
    date: field(yearMonth, {
      title: "Date",
      description: "The month the phase's capacity starts to come online (YYYY-MM).",
    }),
    name: field(z.string().max(200), {
      title: "Name",
      description: "The phase's name in reports.",
    }).optional(),
    gpus: field(count.max(MAX_GPUS), {
      title: "GPUs",
      description: "GPUs the phase adds.",
      emptyMeans: "sized by megawatts or usd",
    }).optional(),
    megawatts: field(positive.max(1e6), {
      title: "Facility power (MW)",
      description: "Facility power the phase adds (IT x PUE at peak): the most GPUs it holds.",
      unit: "MW",
    }).optional(),
    usd: field(positive.max(1e13), {
      title: "Capex ($)",
      description: "Capex of the phase: the most GPUs it buys.",
      unit: "$",
    }).optional(),
    accelerator: field(z.string(), {
      title: "Accelerator",
      description: "The phase's accelerator (a catalog name).",
      emptyMeans: "the scenario's",
      catalog: "accelerators",
    }).optional(),
    platform: field(z.string(), {
      title: "Platform",
      description: "The phase's server or rack system (a catalog name).",
      emptyMeans: "the accelerator's default (the scenario's for the scenario's accelerator)",
      catalog: "platforms",
    }).optional(),
  })
  .meta({ title: "Phase", description: "Capacity added from a date: GPUs, megawatts or dollars." });

export const growthRunSchema = z
  .strictObject({
    name: field(z.string().max(200), { title: "Name", description: "The run's name in reports." }),
    tokens: field(positive.max(1e16), {
      title: "Tokens",
      description: "Tokens the run trains on (the scenario's model and training settings).",
      emptyMeans: "the scenario's training.tokens",
    }).optional(),
    start: field(yearMonth, {
      title: "Earliest start",
      description: "The run starts no earlier than this month (YYYY-MM).",
      emptyMeans: "the first phase's date",
    }).optional(),
    gpus: field(count.max(MAX_GPUS), {
      title: "GPUs needed",
      description: "The run waits until this many GPUs of its accelerator are online, and uses this many.",
      emptyMeans: "all of its accelerator's GPUs online at the start",
    }).optional(),
    accelerator: field(z.string(), {
      title: "Accelerator",
      description: "The generation the run trains on (one job does not span generations).",
      emptyMeans: "the scenario's",
      catalog: "accelerators",
    }).optional(),
  })
  .meta({ title: "Run", description: "A training run of the scenario's model placed on the growing fleet." });

export const growthSchema = z
  .strictObject({
    phases: field(z.array(growthPhaseSchema).min(1).max(40), {
      title: "Phases",
      description: "Capacity added over time, in date order (at most 40).",
    }),
    chipsPerYear: field(count.max(100_000_000), {
      title: "Chips per year",
      description:
        "Supply limit: chips arrive no faster than this; a larger phase spreads over later quarters.",
      emptyMeans: "the budget's chipsPerYear, else no limit",
    }).optional(),
    until: field(yearMonth, {
      title: "Until",
      description: "The last month of the quarter-by-quarter table (YYYY-MM; at most 80 quarters).",
      emptyMeans: "two years after the last phase",
    }).optional(),
    runs: field(z.array(growthRunSchema).max(20), {
      title: "Runs",
      description: "Training runs placed on the fleet (at most 20).",
      emptyMeans: "one run of the scenario's model and tokens, when it has them",
    }).optional(),
  })
  .meta({
    title: "Growth",
    description: "A fleet over time: phases with dates, a supply limit, and training runs placed on it.",
  });

export const scenarioSchema = z.strictObject({
  name: field(z.string(), { title: "Name", description: "The scenario's name in reports." }).optional(),
  description: field(z.string(), {
    title: "Description",
    description: "What the scenario is about.",
  }).optional(),
  model: z
    .union([z.string(), modelObjectSchema])
    .meta({ title: "Model", description: "A catalog model's name, or a section of fields (over a preset)." })
    .optional(),
  training: trainingSchema.optional(),
  cluster: clusterSchema.default({}),
  site: z
    .union([z.string(), siteObjectSchema])
    .meta({ title: "Site", description: "A site preset's name, or a section of facility assumptions." })
    .optional(),
  budget: budgetSchema.optional(),
  rent: rentSchema.optional(),
  reliability: z
    .union([z.string(), reliabilitySchema])
    .meta({ title: "Reliability", description: "A failure mix's name, or its settings." })
    .optional(),
  checkpoint: checkpointSchema.optional(),
  simulation: simulationSchema.optional(),
  uncertainty: uncertaintySchema.optional(),
  layout: z
    .union([z.literal("auto"), layoutSchema])
    .meta({ title: "Layout", description: "auto (searched), or the fields to pin; the rest are searched." })
    .optional(),
  search: searchSchema.optional(),
  serve: serveSchema.optional(),
  growth: growthSchema.optional(),
});

export type ScenarioFile = z.input<typeof scenarioSchema>;
export type ParsedScenario = z.output<typeof scenarioSchema>;

/**
 * What a user may write, for the JSON Schema: the training and checkpoint sections also take a
 * preset's name (presets.ts expands it into the fields above before the file is checked).
 */
export const scenarioFileSchema = scenarioSchema.extend({
  training: z
    .union([z.string(), trainingSchema])
    .meta({ title: "Training", description: "A recipe preset's name, or the training fields." })
    .optional(),
  checkpoint: z
    .union([z.string(), checkpointSchema])
    .meta({ title: "Checkpoints", description: "A checkpoint preset's name, or the checkpoint fields." })
    .optional(),
});

// The catalog types and the scenario's sections that override them must agree field by field.
type Unknown<Section, Known> = Exclude<keyof Section, keyof Known>;
type Agrees<Section, Known> = [Unknown<Section, Known>] extends [never] ? true : Unknown<Section, Known>;
export const MODEL_FIELDS_KNOWN: Agrees<
  z.output<typeof modelObjectSchema>,
  ModelSpec & { preset?: string }
> = true;
export const SITE_FIELDS_KNOWN: Agrees<z.output<typeof siteObjectSchema>, Site & { preset?: string }> = true;
export const PLATFORM_FIELDS_KNOWN: Agrees<
  z.output<typeof platformObjectSchema>,
  Platform & { preset?: string }
> = true;
