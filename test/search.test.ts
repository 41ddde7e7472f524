import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { calibrationFor } from "../src/catalog/stacks.ts";
import { InfeasibleError } from "../src/errors.ts";
import { layoutViolations } from "../src/parallel/layout.ts";
import type { PlanInput } from "../src/parallel/plan-input.ts";
import { type SearchConstraints, searchLayouts } from "../src/parallel/search.ts";
import { accelerator, llama405bInput, model } from "./helpers.ts";

function base(name: string, acceleratorName: string, gpus: number, sequenceLength: number, batch: number) {
  const chosen = accelerator(acceleratorName);
  return {
    model: model(name),
    training: {
      sequenceLength,
      globalBatchSequences: batch,
      tokens: undefined,
      precision: "bf16" as const,
      recipe: "megatron" as const,
      attentionFlops: "full" as const,
    },
    cluster: { accelerator: chosen, gpus, ...calibrationFor(chosen) },
  } satisfies Omit<PlanInput, "layout">;
}

function constraints(batch: number, extra: Partial<SearchConstraints> = {}): SearchConstraints {
  return {
    pinned: {},
    maxTp: 8,
    memoryHeadroomBytes: 0,
    batch: { min: batch, max: batch },
    top: 5,
    ...extra,
  };
}

describe("layout search", () => {
  it("finds Llama 3 405B on 16,384 H100 at least as fast as Meta's published layout", () => {
    const { layout, ...input } = llama405bInput();
    const free = searchLayouts(input, constraints(2048));
    const published = searchLayouts(input, constraints(2048, { pinned: { tp: 8, pp: 16, cp: 1, dp: 128 } }));
    const best = free.top[0]?.plan;
    const meta = published.top[0]?.plan;
    assert.ok(best && meta);
    assert.ok(best.step.seconds <= meta.step.seconds);
    assert.ok(free.evaluated > 10000 && free.feasible > 0);
  });

  it("ranks by time per token and explains what each runner-up loses", () => {
    const result = searchLayouts(base("llama-3-70b", "h100-sxm", 512, 8192, 512), constraints(512));
    const seconds = result.top.map((r) => r.plan.step.seconds);
    assert.deepEqual(
      seconds,
      [...seconds].sort((a, b) => a - b),
    );
    for (const ranked of result.top.slice(1)) {
      const extra = ranked.losesBy.reduce((sum, d) => sum + d.seconds, 0);
      assert.ok(extra > 0 || ranked.plan.step.seconds === result.top[0]?.plan.step.seconds);
    }
  });

  it("picks the largest batch the range allows for each layout", () => {
    const result = searchLayouts(
      base("llama-3-8b", "h100-sxm", 64, 8192, 512),
      constraints(512, { batch: { min: 100, max: 500 } }),
    );
    for (const ranked of result.top) {
      const { dp, microBatch } = ranked.plan.layout;
      const sequences = ranked.plan.step.tokens / 8192;
      assert.ok(sequences >= 100 && sequences <= 500);
      assert.ok(sequences + dp * microBatch > 500, "a larger multiple would still fit the range");
    }
  });

  it("says how close it came when nothing fits", () => {
    assert.throws(
      () => searchLayouts(base("llama-3-405b", "h100-sxm", 8, 8192, 8), constraints(8)),
      (error: unknown) =>
        error instanceof InfeasibleError &&
        /nothing fits in memory: the smallest footprint/.test(error.message),
    );
  });

  it("plans a 1M-token context with context parallelism", () => {
    const result = searchLayouts(base("llama-3-8b", "h100-sxm", 512, 1048576, 8), constraints(8));
    const best = result.top[0]?.plan;
    assert.ok(best);
    assert.ok(best.layout.cp >= 16, `cp ${best.layout.cp}`);
    assert.ok(best.memory.fits);
  });

  it("spreads a mixture of experts over expert-parallel ranks", () => {
    const result = searchLayouts(base("mixtral-8x7b", "h100-sxm", 64, 4096, 256), constraints(256));
    const best = result.top[0]?.plan;
    assert.ok(best && best.layout.ep > 1, `ep ${best?.layout.ep}`);
  });
});

describe("layout search invariants", () => {
  const cases = fc.record({
    name: fc.constantFrom("llama-3-8b", "llama-3-70b", "gpt-3-175b", "mixtral-8x7b"),
    acceleratorName: fc.constantFrom("h100-sxm", "h200", "b200", "a100-sxm-80gb"),
    gpusLog2: fc.integer({ min: 6, max: 10 }),
    perGpuSequences: fc.constantFrom(1, 2, 4),
    sequenceLength: fc.constantFrom(2048, 4096, 8192),
    headroomGiB: fc.constantFrom(0, 4),
    pinTp: fc.option(fc.constantFrom(1, 2, 4, 8), { nil: undefined }),
  });

  it("every layout in the top list fits, keeps the pinned fields and obeys the layout rules", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const gpus = 2 ** c.gpusLog2;
        const batch = gpus * c.perGpuSequences;
        const input = base(c.name, c.acceleratorName, gpus, c.sequenceLength, batch);
        const pinned = c.pinTp === undefined ? {} : { tp: c.pinTp };
        const headroom = c.headroomGiB * 1024 ** 3;
        let result: ReturnType<typeof searchLayouts>;
        try {
          result = searchLayouts(input, constraints(batch, { pinned, memoryHeadroomBytes: headroom }));
        } catch (error) {
          if (error instanceof InfeasibleError) return;
          throw error;
        }
        for (const { plan } of result.top) {
          assert.ok(plan.memory.perGpuBytes.total <= input.cluster.accelerator.hbmBytes - headroom);
          if (c.pinTp !== undefined) assert.equal(plan.layout.tp, c.pinTp);
          assert.ok(plan.layout.tp <= 8);
          const shape = {
            gpus,
            sequenceLength: c.sequenceLength,
            globalBatchSequences: plan.step.tokens / c.sequenceLength,
          };
          assert.deepEqual(layoutViolations(input.model, plan.layout, shape), []);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("more GPUs at a fixed per-GPU batch never make the best layout slower in tokens per second", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const gpus = 2 ** c.gpusLog2;
        const rate = (n: number) => {
          try {
            const batch = n * c.perGpuSequences;
            const best = searchLayouts(
              base(c.name, c.acceleratorName, n, c.sequenceLength, batch),
              constraints(batch),
            ).top[0];
            return best?.plan.throughput.tokensPerSecond ?? 0;
          } catch (error) {
            if (error instanceof InfeasibleError) return 0;
            throw error;
          }
        };
        const smaller = rate(gpus);
        if (smaller === 0) return;
        assert.ok(rate(2 * gpus) >= smaller, `${c.name} on ${gpus} -> ${2 * gpus} ${c.acceleratorName}`);
      }),
      { numRuns: 20 },
    );
  });
});
