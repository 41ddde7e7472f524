import { z } from "zod";

// The scenario file format: the single source of its types and of the JSON Schema shipped for editors.

// Bounds keep a typo (1e30 GPUs) from turning into an hours-long search or an out-of-memory error.
const count = z.number().int().positive().max(1_000_000_000);
const small = z.number().int().positive().max(100_000);
const positive = z.number().positive();

export const moeSchema = z.strictObject({
  experts: small,
  expertsPerToken: small,
  expertFfnHidden: count,
  sharedExperts: z.number().int().nonnegative().default(0),
  denseLayers: z.number().int().nonnegative().default(0),
  layerInterval: count.default(1),
  /** 0: dropless. */
  capacityFactor: z.number().nonnegative().default(0),
  loadImbalance: z.number().min(1).default(1),
  /** Node-limited routing; 0: no limit. */
  maxNodesPerToken: z.number().int().nonnegative().default(0),
});

export const mlaSchema = z.strictObject({
  qLoraRank: z.number().int().nonnegative(),
  kvLoraRank: count,
  qkNopeHeadDim: count,
  qkRopeHeadDim: count,
  vHeadDim: count,
});

export const modelObjectSchema = z.strictObject({
  /** A catalog model whose fields this object overrides. */
  preset: z.string().optional(),
  name: z.string().optional(),
  layers: small.optional(),
  hidden: count.optional(),
  heads: small.optional(),
  kvHeads: small.optional(),
  ffnHidden: count.optional(),
  gated: z.boolean().optional(),
  vocab: count.optional(),
  tiedEmbeddings: z.boolean().optional(),
  dropout: z.boolean().optional(),
  moe: moeSchema.optional(),
  mla: mlaSchema.optional(),
});

/** A fixed count, or a range the layout search may pick from (it takes the largest that fits the layout). */
const countOrRange = z.union([count, z.strictObject({ min: count, max: count })]);

export const trainingSchema = z.strictObject({
  preset: z.string().optional(),
  sequenceLength: count.max(16_777_216),
  globalBatchSequences: countOrRange.optional(),
  globalBatchTokens: countOrRange.optional(),
  tokens: positive.max(1e18).optional(),
  precision: z.enum(["bf16", "fp8"]).default("bf16"),
  recipe: z.enum(["megatron", "megatron-fp8-params", "pytorch-amp"]).default("megatron"),
  attentionFlops: z.enum(["causal", "full"]).default("full"),
});

export const clusterSchema = z.strictObject({
  /** Optional when the site names one. */
  accelerator: z.string().optional(),
  /** Optional when the site or the budget decides it. */
  gpus: count.max(10_000_000).optional(),
  /** Software stack (megatron-core, deepspeed, fsdp2, pytorch-eager, ...); hardware constants follow the accelerator. */
  stack: z.string().optional(),
  /** Scale-out NIC rate per GPU where the cluster differs from the accelerator's usual one (4 x 100G per 8 GPUs: 50). */
  scaleOutGbpsPerGpu: z.number().positive().max(100_000).optional(),
});

/** Fields left out are chosen by the layout search; `layout: auto` (or no layout) searches them all. */
export const layoutSchema = z.strictObject({
  tp: small.optional(),
  pp: small.optional(),
  cp: small.optional(),
  dp: count.optional(),
  ep: small.optional(),
  microBatch: small.optional(),
  virtualStages: small.optional(),
  recompute: z.enum(["none", "selective", "full"]).optional(),
  zero: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  sequenceParallel: z.boolean().optional(),
  /** Layers on the first / last pipeline stage (Megatron's decoder-first/last-pipeline-num-layers). */
  firstStageLayers: small.optional(),
  lastStageLayers: small.optional(),
});

export const searchSchema = z.strictObject({
  /** Largest tensor-parallel degree; defaults to the accelerator's scale-up domain. */
  maxTp: count.optional(),
  /** Memory to keep free on every GPU; default: the 10% margin below which a footprint is "tight". */
  memoryHeadroomGiB: z.number().nonnegative().optional(),
  /** How many of the best layouts to report. */
  top: count.max(50).default(5),
});

const fraction = z.number().positive().max(1);

export const siteObjectSchema = z.strictObject({
  preset: z.string().optional(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  accelerator: z.string().optional(),
  gpus: count.max(10_000_000).optional(),
  platform: z.string().optional(),
  network: z.string().optional(),
  powerMegawatts: positive.optional(),
  pue: z.number().min(1).max(3).optional(),
  rackKilowatts: positive.optional(),
  rackUnits: count.optional(),
  fabric: z
    .strictObject({
      leafOversubscription: z.number().min(1).optional(),
      podGpus: z.number().int().nonnegative().optional(),
      podOversubscription: z.number().min(1).optional(),
      opticalNicLinks: z.boolean().optional(),
    })
    .optional(),
  storageTerabytesPerGpu: z.number().nonnegative().optional(),
  storageWattsPerTerabyte: z.number().nonnegative().optional(),
  storageUsdPerTerabyte: z.number().nonnegative().optional(),
  facilityUsdPerItMegawatt: z.number().nonnegative().optional(),
  electricityUsdPerMegawattHour: z.number().nonnegative().optional(),
  maintenanceFractionPerYear: z.number().nonnegative().max(1).optional(),
  hardwareYears: positive.optional(),
  facilityYears: positive.optional(),
  utilization: fraction.optional(),
});

export const budgetSchema = z.strictObject({
  usd: positive.max(1e13).optional(),
  /** Facility power at peak (IT x PUE). */
  megawatts: positive.max(1e6).optional(),
  /** Chips added per year (an export licence, a supply deal): what power they need each year. */
  chipsPerYear: count.max(100_000_000).optional(),
});

export const reliabilitySchema = z.strictObject({
  preset: z.string().optional(),
  rateScale: z.number().nonnegative().optional(),
  detectMinutes: z.number().nonnegative().optional(),
  restartMinutes: z.number().nonnegative().optional(),
  spares: z.boolean().optional(),
  repairHours: z.number().nonnegative().optional(),
  shrink: z.boolean().optional(),
  stragglerSlowdown: z.number().nonnegative().max(0.9).optional(),
  wearIn: z.strictObject({ extra: z.number().nonnegative(), halfLifeDays: positive }).optional(),
});

export const checkpointSchema = z.strictObject({
  preset: z.string().optional(),
  mode: z.enum(["sync", "async", "in-memory"]).optional(),
  /** Minutes of training between checkpoints, or the optimum by Daly's or Young's formula. */
  interval: z.union([positive, z.enum(["daly", "young"])]).optional(),
  writeGBpsPerNode: positive.optional(),
  readGBpsPerNode: positive.optional(),
  aggregateWriteGBps: positive.optional(),
  aggregateReadGBps: positive.optional(),
});

export const simulationSchema = z.strictObject({
  trials: count.max(1_000_000).optional(),
  seed: z.number().int().optional(),
  /** Simulate a fixed wall-clock window (how fleets report failures) instead of the whole run. */
  days: positive.optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  model: z.union([z.string(), modelObjectSchema]).optional(),
  training: trainingSchema.optional(),
  cluster: clusterSchema.default({}),
  site: z.union([z.string(), siteObjectSchema]).optional(),
  budget: budgetSchema.optional(),
  reliability: z.union([z.string(), reliabilitySchema]).optional(),
  checkpoint: checkpointSchema.optional(),
  simulation: simulationSchema.optional(),
  /** Sampling of the inputs given as ranges or distributions. */
  uncertainty: z
    .strictObject({ samples: count.max(10_000).optional(), seed: z.number().int().optional() })
    .optional(),
  layout: z.union([z.literal("auto"), layoutSchema]).optional(),
  search: searchSchema.optional(),
});

export type ScenarioFile = z.input<typeof scenarioSchema>;
export type ParsedScenario = z.output<typeof scenarioSchema>;

/**
 * What a user may write, for the JSON Schema: the training and checkpoint sections also take a
 * preset's name (presets.ts expands it into the fields above before the file is checked).
 */
export const scenarioFileSchema = scenarioSchema.extend({
  training: z.union([z.string(), trainingSchema]).optional(),
  checkpoint: z.union([z.string(), checkpointSchema]).optional(),
});
