import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { calibrationFor, findStack } from "../src/catalog/stacks.ts";
import { InfeasibleError } from "../src/errors.ts";
import type { ModelSpec } from "../src/model/transformer.ts";
import type { PlanInput, TrainingSetup } from "../src/parallel/plan-input.ts";
import { type SearchConstraints, searchLayouts } from "../src/parallel/search.ts";
import { accelerator, GPT_MOE_1_8T, model } from "./helpers.ts";

// The layout search's ranked lists on several cases, kept as they came out of the straightforward
// implementation (a breakdown per layout) before the search was rewritten around per-search and
// per-pipeline-depth constants: the fast path must rank the same layouts in the same order, with
// the same batch, step time and memory. UPDATE_GOLDEN=1 rewrites the file: only after a change to the
// model itself (a constant, a term), never to make a change to the search pass.

const GOLDEN = new URL("./golden/search-ranked.json", import.meta.url);

function input(
  modelSpec: ModelSpec,
  acceleratorName: string,
  gpus: number,
  training: Partial<TrainingSetup> & { sequenceLength: number; globalBatchSequences: number },
  stackName?: string,
): Omit<PlanInput, "layout"> {
  const chosen = accelerator(acceleratorName);
  const stack = stackName ? findStack(stackName) : undefined;
  if (stackName && !stack) throw new Error(`no stack ${stackName}`);
  return {
    model: modelSpec,
    training: {
      tokens: undefined,
      precision: "bf16",
      recipe: "megatron",
      attentionFlops: "full",
      ...training,
    },
    cluster: { accelerator: chosen, gpus, ...calibrationFor(chosen, stack) },
  };
}

const free = (batch: number, extra: Partial<SearchConstraints> = {}): SearchConstraints => ({
  pinned: {},
  maxTp: 8,
  memoryHeadroomBytes: undefined,
  batch: { min: batch, max: batch },
  top: 40,
  ...extra,
});

const CASES: { name: string; base: Omit<PlanInput, "layout">; constraints: SearchConstraints }[] = [
  {
    name: "llama-3-405b on 16,384 h100",
    base: input(model("llama-3-405b"), "h100-sxm", 16384, {
      sequenceLength: 8192,
      globalBatchSequences: 2048,
    }),
    constraints: free(2048, { memoryHeadroomBytes: 0 }),
  },
  {
    name: "1.8T MoE on 200,000 h100",
    base: input(GPT_MOE_1_8T, "h100-sxm", 200000, { sequenceLength: 8192, globalBatchSequences: 16000 }),
    constraints: free(16000),
  },
  {
    name: "deepseek-v3 on 2,048 h800, dualpipe, fp8, batch range",
    base: input(
      model("deepseek-v3"),
      "h800",
      2048,
      { sequenceLength: 4096, globalBatchSequences: 15360, precision: "fp8" },
      "deepseek-dualpipe",
    ),
    constraints: free(15360, { batch: { min: 4096, max: 16384 } }),
  },
  {
    name: "llama-3-8b on 64 a100, fsdp2-eager, pytorch-amp, batch target",
    base: input(
      model("llama-3-8b"),
      "a100-sxm-80gb",
      64,
      { sequenceLength: 8192, globalBatchSequences: 64, recipe: "pytorch-amp" },
      "fsdp2-eager",
    ),
    constraints: free(64, { batch: { min: 32, max: 512, target: 100 } }),
  },
  {
    name: "llama-3-70b on 512 h100, end stages pinned, 8 GiB headroom, deepspeed",
    base: input(
      model("llama-3-70b"),
      "h100-sxm",
      512,
      { sequenceLength: 8192, globalBatchSequences: 512 },
      "deepspeed",
    ),
    constraints: free(512, {
      pinned: { firstStageLayers: 4, lastStageLayers: 4 },
      memoryHeadroomBytes: 8 * 2 ** 30,
    }),
  },
  {
    name: "llama-3-405b on 1,024 gb200 nvl72, fp8, tp up to 16",
    base: input(
      model("llama-3-405b"),
      "gb200",
      1024,
      { sequenceLength: 8192, globalBatchSequences: 1536, precision: "fp8", recipe: "megatron-fp8-params" },
      "megatron-bridge",
    ),
    constraints: free(1536, { maxTp: 16 }),
  },
  {
    name: "llama-3-405b on 64 h100: nothing fits",
    base: input(model("llama-3-405b"), "h100-sxm", 64, { sequenceLength: 8192, globalBatchSequences: 64 }),
    constraints: free(64),
  },
  {
    name: "deepseek-v3 on 128 h800, fp8, batch range, default headroom",
    base: input(model("deepseek-v3"), "h800", 128, {
      sequenceLength: 4096,
      globalBatchSequences: 1024,
      precision: "fp8",
    }),
    constraints: free(1024, { batch: { min: 256, max: 1024 } }),
  },
];

function ranked(base: Omit<PlanInput, "layout">, constraints: SearchConstraints) {
  let result: ReturnType<typeof searchLayouts>;
  try {
    result = searchLayouts(base, constraints);
  } catch (error) {
    // Nothing fits: the message names the closest miss, its footprint and the layouts evaluated.
    if (!(error instanceof InfeasibleError)) throw error;
    return { evaluated: 0, feasible: 0, top: [], nothingFits: error.message };
  }
  return {
    evaluated: result.evaluated,
    feasible: result.feasible,
    top: result.top.map(({ plan }) => {
      const l = plan.layout;
      return {
        layout: `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp} ep${l.ep} mb${l.microBatch} v${l.virtualStages} ${l.recompute} z${l.zero}${l.sequenceParallel ? " sp" : ""}`,
        batch: plan.step.tokens,
        stepSeconds: plan.step.seconds,
        memoryBytes: plan.memory.perGpuBytes.total,
      };
    }),
    nothingFits: "",
  };
}

type Ranked = ReturnType<typeof ranked>;

describe("layout search against its reference ranking", () => {
  const actual: Record<string, Ranked> = {};
  for (const { name, base, constraints } of CASES) actual[name] = ranked(base, constraints);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(GOLDEN)) {
    writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 1)}\n`);
  }
  const expected = JSON.parse(readFileSync(GOLDEN, "utf8")) as Record<string, Ranked>;

  for (const { name } of CASES) {
    it(`ranks the same layouts in the same order: ${name}`, () => {
      const mine = actual[name] as Ranked;
      const theirs = expected[name];
      assert.ok(theirs, `no reference for ${name}`);
      assert.equal(mine.nothingFits, theirs.nothingFits, "the closest miss when nothing fits");
      assert.equal(mine.evaluated, theirs.evaluated, "layouts evaluated");
      assert.equal(mine.feasible, theirs.feasible, "layouts that fit");
      assert.deepEqual(
        mine.top.map((r) => `${r.layout} tokens ${r.batch}`),
        theirs.top.map((r) => `${r.layout} tokens ${r.batch}`),
      );
      mine.top.forEach((r, i) => {
        const ref = theirs.top[i] as Ranked["top"][number];
        assert.ok(Math.abs(r.stepSeconds / ref.stepSeconds - 1) < 1e-12, `${r.layout}: step time`);
        assert.ok(Math.abs(r.memoryBytes / ref.memoryBytes - 1) < 1e-12, `${r.layout}: memory`);
      });
    });
  }
});

describe("a search for the best layouts only (bestOnly)", () => {
  for (const { name, base, constraints } of CASES) {
    it(`ranks the same layouts, looking at no more of them: ${name}`, () => {
      const full = ranked(base, constraints);
      const best = ranked(base, { ...constraints, bestOnly: true });
      assert.equal(best.nothingFits, full.nothingFits, "the closest miss when nothing fits");
      assert.deepEqual(
        best.top.map((r) => `${r.layout} tokens ${r.batch} ${r.stepSeconds} ${r.memoryBytes}`),
        full.top.map((r) => `${r.layout} tokens ${r.batch} ${r.stepSeconds} ${r.memoryBytes}`),
      );
      assert.ok(best.evaluated <= full.evaluated && best.feasible <= full.feasible);
    });
    it(`finds the same best layout on its own: ${name}`, () => {
      const full = ranked(base, { ...constraints, top: 1 });
      const best = ranked(base, { ...constraints, top: 1, bestOnly: true });
      assert.deepEqual(best.top, full.top);
      // A list of one fills at once, so the bound has work to skip.
      if (full.top.length > 0) assert.ok(best.evaluated < full.evaluated, "skipped nothing");
    });
  }
});
