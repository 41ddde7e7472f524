import {
  ACCELERATORS,
  CHECKPOINT_PRESETS,
  FAILURE_MIXES,
  MODELS,
  SITES,
  STACKS,
  TRAINING_PRESETS,
} from "../../src/index.ts";

// Every section of a scenario file as form fields: presets first, the rest folded away. Each field
// edits one dotted path of the file and carries the help shown in its tooltip.

export interface Choice {
  readonly value: string;
  readonly label: string;
  /** Where the preset's figures come from, shown under the field. */
  readonly source?: string;
}

export interface FieldSpec {
  readonly path: string;
  readonly label: string;
  /** number: also takes a range `low..high` or a distribution; text: taken as typed. */
  readonly kind: "number" | "text" | "select";
  readonly help: string;
  readonly choices?: readonly Choice[];
  readonly placeholder?: string;
}

export interface SectionSpec {
  readonly id: string;
  readonly legend: string;
  readonly fields: readonly FieldSpec[];
  /** Folded away under the section's "more" toggle. */
  readonly more: readonly FieldSpec[];
}

const NUMBER_HELP =
  " Takes a number, a range low..high or { normal: [mean, sd] } for the uncertainty analysis.";

const choices = (values: readonly string[], none?: string): Choice[] => [
  ...(none === undefined ? [] : [{ value: "", label: none }]),
  ...values.map((value) => ({ value, label: value })),
];

const yesNo = (none: string): Choice[] => [
  { value: "", label: none },
  { value: "true", label: "yes" },
  { value: "false", label: "no" },
];

function number(path: string, label: string, help: string, extra: Partial<FieldSpec> = {}): FieldSpec {
  return { path, label, kind: "number", help: help + NUMBER_HELP, ...extra };
}

export const SECTIONS: readonly SectionSpec[] = [
  {
    id: "model",
    legend: "Model",
    fields: [
      {
        path: "model.preset",
        label: "Model",
        kind: "select",
        help: "A catalog model; the fields under 'more' override its figures one by one.",
        choices: [
          { value: "", label: "custom (fields below)" },
          ...MODELS.map((m) => ({ value: m.name, label: m.displayName, source: m.source.ref })),
        ],
      },
    ],
    more: [
      { path: "model.name", label: "Name", kind: "text", help: "Name of a custom model." },
      ...(
        [
          ["layers", "Layers", "transformer layers"],
          ["hidden", "Hidden size", "model width d"],
          ["heads", "Attention heads", "query heads"],
          ["kvHeads", "Key/value heads", "grouped-query attention groups; = heads for multi-head"],
          ["ffnHidden", "FFN hidden size", "MLP inner width"],
          ["vocab", "Vocabulary", "tokens in the vocabulary"],
          ["moe.experts", "Experts (MoE)", "routed experts per MoE layer"],
          ["moe.expertsPerToken", "Experts per token (top-k)", "experts each token is routed to"],
          ["moe.expertFfnHidden", "Expert FFN hidden size", "MLP inner width of one expert"],
          ["moe.sharedExperts", "Shared experts", "experts every token passes through"],
          ["moe.denseLayers", "Leading dense layers", "first layers with a dense MLP instead of experts"],
        ] as const
      ).map(([key, label, help]) => number(`model.${key}`, label, `${help}; empty: the preset's.`)),
      {
        path: "model.gated",
        label: "Gated MLP (SwiGLU)",
        kind: "select",
        help: "Three MLP matrices instead of two.",
        choices: yesNo("preset's"),
      },
    ],
  },
  {
    id: "training",
    legend: "Training",
    fields: [
      {
        path: "training.preset",
        label: "Recipe preset",
        kind: "select",
        help: "A published pre-training recipe; the fields below override it.",
        choices: [
          { value: "", label: "none (fields below)" },
          ...TRAINING_PRESETS.map((p) => ({ value: p.name, label: p.name, source: p.source.ref })),
        ],
      },
      number("training.sequenceLength", "Sequence length (tokens)", "Tokens per training sequence."),
      number("training.globalBatchTokens", "Global batch (tokens)", "Tokens per optimizer step.", {
        placeholder: "or sequences below",
      }),
      number("training.tokens", "Training tokens", "The token budget; 15e12 is 15 trillion."),
      {
        path: "training.precision",
        label: "Precision",
        kind: "select",
        help: "Matrix math in BF16, or in FP8 (attention, router and output stay BF16).",
        choices: choices(["bf16", "fp8"], "bf16 (default)"),
      },
    ],
    more: [
      number("training.globalBatchSequences", "Global batch (sequences)", "Sequences per optimizer step."),
      {
        path: "training.recipe",
        label: "Mixed-precision recipe",
        kind: "select",
        help: "Bytes per parameter of weights, gradients and optimizer state: Megatron's or PyTorch AMP's.",
        choices: choices(["megatron", "megatron-fp8-params", "pytorch-amp"], "megatron (default)"),
      },
      {
        path: "training.attentionFlops",
        label: "Attention FLOPs counted",
        kind: "select",
        help: "For MFU: the full attention matrix (PaLM's convention) or only its causal half.",
        choices: choices(["full", "causal"], "full (default)"),
      },
    ],
  },
  {
    id: "cluster",
    legend: "Cluster",
    fields: [
      {
        path: "cluster.accelerator",
        label: "Accelerator",
        kind: "select",
        help: "The GPU; optional when the site names one.",
        choices: [
          { value: "", label: "the site's" },
          ...ACCELERATORS.map((a) => ({
            value: a.name,
            label: a.displayName,
            source: `peak: ${a.sources.bf16DenseFlops.ref}; memory: ${a.sources.hbmBytes.ref}`,
          })),
        ],
      },
      number("cluster.gpus", "GPUs", "GPUs in the job; optional when the site or the budget decides it."),
    ],
    more: [
      {
        path: "cluster.stack",
        label: "Software stack",
        kind: "select",
        help: "Megatron-Core, DeepSpeed, FSDP2/TorchTitan or plain PyTorch: its overlaps, fusions, schedule, host cost and memory habits.",
        choices: choices(
          STACKS.map((s) => s.name),
          "megatron-core",
        ),
      },
      number(
        "cluster.scaleOutGbpsPerGpu",
        "NIC Gb/s per GPU",
        "Scale-out network rate per GPU, where it differs from the accelerator's usual one (4 x 100G per 8 GPUs: 50).",
      ),
    ],
  },
  {
    id: "site",
    legend: "Site and budget (build-out)",
    fields: [
      {
        path: "site.preset",
        label: "Site",
        kind: "select",
        help: "A data-centre design: power, racks, network, prices. None: no build-out.",
        choices: [
          { value: "", label: "none" },
          ...SITES.map((s) => ({
            value: s.name,
            label: s.displayName,
            source: s.sources.pue?.ref ?? s.sources.rackKilowatts?.ref,
          })),
        ],
      },
    ],
    more: [
      number("budget.usd", "Budget ($)", "The most GPUs this much capex buys; 12e9 is $12 B."),
      number("budget.megawatts", "Power envelope (MW)", "The most GPUs this facility power holds at peak."),
      number("budget.chipsPerYear", "Chips per year", "Power and capex a year's supply of chips needs."),
      number("site.pue", "PUE", "Facility power / IT power."),
      number("site.electricityUsdPerMegawattHour", "Electricity ($/MWh)", "Price of energy."),
      number("site.utilization", "Utilization", "Share of hours the GPUs are used, for $ per GPU-hour."),
      number("site.hardwareYears", "Hardware life (years)", "Straight-line amortization of IT hardware."),
      number("site.facilityUsdPerItMegawatt", "Facility $ per IT MW", "Building, power and cooling."),
      number("site.rackKilowatts", "Rack limit (kW)", "Power and cooling per rack."),
      number(
        "site.fabric.leafOversubscription",
        "Leaf oversubscription",
        "Down-links per up-link at the leaf switches; 1 is non-blocking.",
      ),
    ],
  },
  {
    id: "layout",
    legend: "Layout (empty: searched)",
    fields: [],
    more: [
      ...(
        [
          ["tp", "Tensor parallel (tp)"],
          ["pp", "Pipeline parallel (pp)"],
          ["cp", "Context parallel (cp)"],
          ["dp", "Data parallel (dp)"],
          ["ep", "Expert parallel (ep)"],
          ["microBatch", "Micro-batch (sequences)"],
          ["virtualStages", "Virtual stages (interleaving)"],
        ] as const
      ).map(([key, label]) =>
        number(`layout.${key}`, label, "Pins this degree; empty: the search picks it.", {
          placeholder: "searched",
        }),
      ),
      {
        path: "layout.recompute",
        label: "Activation recompute",
        kind: "select",
        help: "Pins the recompute policy; empty: searched.",
        choices: choices(["none", "selective", "full"], "searched"),
      },
      {
        path: "layout.zero",
        label: "ZeRO stage",
        kind: "select",
        help: "Pins the optimizer-state sharding; empty: searched.",
        choices: choices(["0", "1", "2", "3"], "searched"),
      },
      {
        path: "layout.sequenceParallel",
        label: "Sequence parallel",
        kind: "select",
        help: "Pins sequence parallelism; empty: searched.",
        choices: yesNo("searched"),
      },
      number("search.maxTp", "Largest tp", "Defaults to the accelerator's NVLink domain."),
      number("search.memoryHeadroomGiB", "Memory headroom (GiB)", "Memory to keep free on every GPU."),
      number("search.top", "Layouts listed", "How many of the best layouts to list (up to 50)."),
    ],
  },
  {
    id: "reliability",
    legend: "Failures and checkpoints",
    fields: [
      {
        path: "reliability.preset",
        label: "Failure mix",
        kind: "select",
        help: "Failure rates per GPU-hour by cause, from a published fleet.",
        choices: [
          { value: "", label: "default" },
          ...FAILURE_MIXES.map((f) => ({ value: f.name, label: f.displayName, source: f.source.ref })),
        ],
      },
      number(
        "reliability.restartMinutes",
        "Restart (minutes)",
        "Time to reschedule and reload after a failure.",
      ),
      {
        path: "checkpoint.preset",
        label: "Checkpoint preset",
        kind: "select",
        help: "A published checkpoint set-up: storage bandwidth and mode.",
        choices: [
          { value: "", label: "none (fields below)" },
          ...CHECKPOINT_PRESETS.map((p) => ({ value: p.name, label: p.name, source: p.source.ref })),
        ],
      },
      {
        path: "checkpoint.mode",
        label: "Checkpoints",
        kind: "select",
        help: "Synchronous writes stall training; asynchronous ones copy to host memory first; in-memory ones keep a peer's copy.",
        choices: choices(["sync", "async", "in-memory"], "default"),
      },
    ],
    more: [
      number("reliability.rateScale", "Failure rate x", "Multiplies every cause's rate."),
      number("reliability.detectMinutes", "Detection (minutes)", "Time from a failure to noticing it."),
      number("reliability.repairHours", "Repair (hours)", "Time a failed node is out."),
      {
        path: "reliability.spares",
        label: "Hot spares",
        kind: "select",
        help: "Whether a failed node is replaced at once from a pool of spares.",
        choices: yesNo("default"),
      },
      {
        path: "reliability.shrink",
        label: "Shrink instead of waiting",
        kind: "select",
        help: "Whether the job goes on with fewer data-parallel replicas while a node is repaired.",
        choices: yesNo("default"),
      },
      number("reliability.stragglerSlowdown", "Straggler slowdown", "Fraction of speed lost to slow nodes."),
      {
        path: "checkpoint.interval",
        label: "Checkpoint interval",
        kind: "number",
        help: "Minutes between checkpoints, or daly / young for the optimum by their formulas.",
        placeholder: "daly",
      },
      number(
        "checkpoint.aggregateWriteGBps",
        "Storage write (GB/s, all nodes)",
        "Aggregate write bandwidth.",
      ),
      number("checkpoint.writeGBpsPerNode", "Write per node (GB/s)", "Per-node write bandwidth."),
    ],
  },
  {
    id: "simulation",
    legend: "Simulation and uncertainty",
    fields: [
      number("simulation.trials", "Monte Carlo trials", "Runs simulated; more trials, tighter percentiles."),
    ],
    more: [
      number(
        "simulation.days",
        "Fixed window (days)",
        "Simulate this wall-clock window instead of the whole run.",
      ),
      number("simulation.seed", "Seed", "Random seed: the same seed gives the same result."),
      number(
        "uncertainty.samples",
        "Uncertainty samples",
        "Samples drawn when a field holds a range (type low..high in any number field).",
      ),
      number("uncertainty.seed", "Uncertainty seed", "Random seed of the sampling."),
    ],
  },
];

export const FIELDS: readonly FieldSpec[] = SECTIONS.flatMap((s) => [...s.fields, ...s.more]);

/** The DOM id of a field's input. */
export const fieldId = (path: string) => path.replaceAll(".", "-");

/** The field a scenario error belongs to: its own, its section's preset, or the nearest enclosing one. */
export function fieldForError(path: string): FieldSpec | undefined {
  const exact = FIELDS.find((f) => f.path === path || f.path === `${path}.preset`);
  if (exact) return exact;
  const enclosing = FIELDS.filter((f) => path.startsWith(`${f.path}.`)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0];
  if (enclosing) return enclosing;
  // A section's own error (site.fabric, budget): its first field.
  return FIELDS.find((f) => f.path.startsWith(`${path}.`));
}
