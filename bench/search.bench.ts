// Layout-search speed: the full search for two headline cases, repeated, reporting the median.
// Run with `npm run bench`; one core, the median of repeated runs after the first warms the JIT.
import { ACCELERATORS } from "../src/catalog/accelerators.ts";
import { lookup } from "../src/catalog/lookup.ts";
import { MODELS } from "../src/catalog/models.ts";
import { calibrationFor, findStack } from "../src/catalog/stacks.ts";
import type { Precision } from "../src/model/precision.ts";
import type { ModelSpec } from "../src/model/transformer.ts";
import type { PlanInput } from "../src/parallel/plan-input.ts";
import { searchLayouts } from "../src/parallel/search.ts";
import { GPT_MOE_1_8T } from "../test/helpers.ts";

const REPEATS = 31;

function base(
  model: ModelSpec,
  gpus: number,
  sequenceLength: number,
  batch: number,
  options: { accelerator?: string; precision?: Precision; stack?: string } = {},
): Omit<PlanInput, "layout"> {
  const accelerator = lookup(ACCELERATORS, options.accelerator ?? "h100-sxm", "accelerator", "accelerator");
  return {
    model,
    training: {
      sequenceLength,
      globalBatchSequences: batch,
      tokens: undefined,
      precision: options.precision ?? "bf16",
      recipe: "megatron",
      attentionFlops: "full",
    },
    cluster: {
      accelerator,
      gpus,
      ...calibrationFor(accelerator, findStack(options.stack ?? "megatron-core")),
    },
  };
}

const cases = [
  {
    name: "Llama 3 405B on 16,384 H100",
    input: base(lookup(MODELS, "llama-3-405b", "", ""), 16384, 8192, 2048),
  },
  { name: "1.8T MoE on 200,000 H100", input: base(GPT_MOE_1_8T, 200000, 8192, 16000) },
  {
    // examples/deepseek-v3-h800.yaml with every layout field free
    name: "DeepSeek-V3 on 2,048 H800",
    input: base(lookup(MODELS, "deepseek-v3", "", ""), 2048, 4096, 15360, {
      accelerator: "h800",
      precision: "fp8",
      stack: "deepseek-dualpipe",
    }),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

for (const { name, input } of cases) {
  const seconds: number[] = [];
  let evaluated = 0;
  let best = "";
  for (let i = 0; i < REPEATS; i++) {
    const result = searchLayouts(input, {
      pinned: {},
      maxTp: 8,
      memoryHeadroomBytes: 0,
      batch: { min: input.training.globalBatchSequences, max: input.training.globalBatchSequences },
      top: 5,
    });
    seconds.push(result.seconds);
    evaluated = result.evaluated;
    const l = result.top[0]?.plan.layout;
    best = l
      ? `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp} ep${l.ep} mb${l.microBatch} v${l.virtualStages}`
      : "none";
  }
  const wall = median(seconds);
  console.log(
    `${name}: ${evaluated.toLocaleString("en-US")} layouts, median ${(wall * 1000).toFixed(0)} ms ` +
      `(min ${(Math.min(...seconds) * 1000).toFixed(0)} ms) over ${REPEATS} runs, ` +
      `${(evaluated / wall / 1e6).toFixed(2)} M layouts/s on one core; best ${best}`,
  );
}
