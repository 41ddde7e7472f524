import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { calibrationFor, STACKS } from "../src/catalog/stacks.ts";
import { InfeasibleError } from "../src/errors.ts";
import type { Layout } from "../src/parallel/layout.ts";
import { planLayout } from "../src/parallel/plan.ts";
import type { PlanInput } from "../src/parallel/plan-input.ts";
import { searchLayouts } from "../src/parallel/search.ts";
import { exposedBucketedSeconds } from "../src/parallel/step-time.ts";
import { accelerator } from "./helpers.ts";

const accelerators = ["a100-sxm-80gb", "h100-sxm", "h200", "b200", "gb200", "mi300x"].map(accelerator);

/** Random dense models and legal layouts of them. */
const planInputs: fc.Arbitrary<PlanInput> = fc
  .record({
    headDim: fc.constantFrom(64, 128),
    headsLog2: fc.integer({ min: 3, max: 7 }),
    kvLog2: fc.integer({ min: 0, max: 7 }),
    layers: fc.integer({ min: 2, max: 128 }),
    ffnMultiple: fc.integer({ min: 8, max: 160 }),
    gated: fc.boolean(),
    vocab: fc.integer({ min: 1000, max: 256000 }),
    sequenceLog2: fc.integer({ min: 9, max: 15 }),
    tpLog2: fc.integer({ min: 0, max: 3 }),
    ppWanted: fc.integer({ min: 1, max: 16 }),
    cpLog2: fc.integer({ min: 0, max: 2 }),
    dp: fc.integer({ min: 1, max: 64 }),
    microBatch: fc.constantFrom(1, 2, 4),
    accumulation: fc.integer({ min: 1, max: 32 }),
    virtualStages: fc.integer({ min: 1, max: 4 }),
    recompute: fc.constantFrom("none", "selective", "full") as fc.Arbitrary<Layout["recompute"]>,
    zero: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<Layout["zero"]>,
    sequenceParallel: fc.boolean(),
    acceleratorIndex: fc.integer({ min: 0, max: accelerators.length - 1 }),
    tokens: fc.double({ min: 1e9, max: 1e14, noNaN: true }),
  })
  .map((r) => {
    const heads = 2 ** r.headsLog2;
    const kvHeads = 2 ** Math.min(r.kvLog2, r.headsLog2);
    const tp = 2 ** Math.min(r.tpLog2, r.headsLog2, Math.log2(kvHeads) + 3);
    const pp = Math.min(r.ppWanted, r.layers);
    const virtualStages = pp === 1 ? 1 : Math.max(1, Math.min(r.virtualStages, Math.floor(r.layers / pp)));
    const microbatches = r.accumulation * (virtualStages > 1 ? pp : 1);
    const chosen = accelerators[r.acceleratorIndex] ?? accelerators[0];
    if (!chosen) throw new Error("no accelerators");
    const cp = 2 ** r.cpLog2;
    const layout: Layout = {
      tp,
      pp,
      cp,
      dp: r.dp,
      ep: 1,
      microBatch: r.microBatch,
      virtualStages,
      recompute: r.recompute,
      zero: r.zero,
      sequenceParallel: r.sequenceParallel,
    };
    return {
      model: {
        name: "random",
        layers: r.layers,
        hidden: heads * r.headDim,
        heads,
        kvHeads,
        ffnHidden: r.ffnMultiple * 256,
        gated: r.gated,
        vocab: r.vocab,
        tiedEmbeddings: false,
        dropout: false,
      },
      training: {
        sequenceLength: 2 ** r.sequenceLog2,
        globalBatchSequences: r.dp * r.microBatch * microbatches,
        tokens: r.tokens,
        precision: "bf16",
        recipe: "megatron",
        attentionFlops: "causal",
      },
      cluster: { accelerator: chosen, gpus: tp * pp * cp * r.dp, ...calibrationFor(chosen) },
      layout,
    } satisfies PlanInput;
  });

describe("invariants over random models and layouts", () => {
  it("memory terms and step terms are finite and never negative, and add up", () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const plan = planLayout(input);
        const { total: memoryTotal, ...memory } = plan.memory.perGpuBytes;
        const { total: stepTotal, ...step } = plan.step.breakdown;
        for (const value of [...Object.values(memory), ...Object.values(step)]) {
          assert.ok(Number.isFinite(value) && value >= 0);
        }
        const memorySum = Object.values(memory).reduce((a, b) => a + b, 0);
        const stepSum = Object.values(step).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(memorySum / memoryTotal - 1) < 1e-9);
        assert.ok(Math.abs(stepSum / stepTotal - 1) < 1e-9);
        assert.ok(plan.throughput.mfu > 0 && plan.throughput.mfu < 1);
      }),
      { numRuns: 300 },
    );
  });

  it("time to train never falls as the token budget grows", () => {
    fc.assert(
      fc.property(planInputs, fc.double({ min: 1.01, max: 100, noNaN: true }), (input, factor) => {
        const small = planLayout(input).training;
        const tokens = (input.training.tokens ?? 1e9) * factor;
        const large = planLayout({ ...input, training: { ...input.training, tokens } }).training;
        assert.ok(small && large && large.days >= small.days);
      }),
      { numRuns: 200 },
    );
  });

  // Once the data-parallel group spans several scale-up domains; before that, doubling it can move its
  // traffic from NVLink to the NICs, and a communication-bound job can then really get slower.
  it("doubling data parallelism at a fixed per-GPU batch never lowers tokens per second", () => {
    fc.assert(
      fc.property(planInputs, (input) => {
        const { tp, cp, dp } = input.layout;
        fc.pre(dp * cp > Math.floor(input.cluster.accelerator.scaleUpDomainGpus / tp));
        const doubled: PlanInput = {
          ...input,
          training: { ...input.training, globalBatchSequences: input.training.globalBatchSequences * 2 },
          cluster: { ...input.cluster, gpus: input.cluster.gpus * 2 },
          layout: { ...input.layout, dp: input.layout.dp * 2 },
        };
        assert.ok(
          planLayout(doubled).throughput.tokensPerSecond >= planLayout(input).throughput.tokensPerSecond,
        );
      }),
      { numRuns: 200 },
    );
  });

  // Weak scaling on the same fabric: the same per-GPU work, more nodes. Collectives only get longer
  // (more ring steps, more hops, less bandwidth past a pod), so the step never gets shorter. (ZeRO's
  // sharded optimizer step does shrink with more ranks: the per-GPU work is fixed only without it, and
  // with it the exposed data-parallel traffic still never shrinks.)
  it("more nodes never make a fixed per-GPU job faster on the same fabric", () => {
    fc.assert(
      fc.property(planInputs, fc.constantFrom(...STACKS), (input, catalogStack) => {
        // Bucket sizes held fixed: Megatron grows them with dp, which is a choice of fewer, larger
        // collectives, not the fabric getting faster.
        const stack = { ...catalogStack, bucketElementsPerRank: 0 };
        const withStack = { ...input, cluster: { ...input.cluster, stack } };
        const doubled: PlanInput = {
          ...withStack,
          training: { ...input.training, globalBatchSequences: input.training.globalBatchSequences * 2 },
          cluster: { ...withStack.cluster, gpus: input.cluster.gpus * 2 },
          layout: { ...input.layout, dp: input.layout.dp * 2 },
        };
        const before = planLayout(withStack).step;
        const after = planLayout(doubled).step;
        assert.ok(after.breakdown.dataParallelComm >= before.breakdown.dataParallelComm * (1 - 1e-12));
        if (input.layout.zero === 0) assert.ok(after.seconds >= before.seconds * (1 - 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it("exposed bucketed communication is never negative and never more than the communication", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        fc.boolean(),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (comm, window, buckets, overlapped, tax) => {
          const exposed = exposedBucketedSeconds(comm, window, buckets, overlapped, 0);
          assert.ok(exposed >= 0 && exposed <= comm * (1 + 1e-12));
          const taxed = exposedBucketedSeconds(comm, window, buckets, overlapped, tax);
          assert.ok(taxed >= exposed - 1e-12 && taxed <= comm * (1 + 1e-12));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("the search's pick is never 'tight' or worse with the default headroom, on every stack", () => {
    fc.assert(
      fc.property(planInputs, fc.constantFrom(...STACKS), (input, stack) => {
        const { layout, ...base } = input;
        try {
          const best = searchLayouts(
            { ...base, cluster: { ...base.cluster, stack } },
            {
              pinned: { tp: layout.tp, pp: layout.pp, cp: layout.cp },
              maxTp: 8,
              memoryHeadroomBytes: undefined,
              batch: { min: base.training.globalBatchSequences, max: base.training.globalBatchSequences },
              top: 1,
            },
          ).top[0];
          assert.ok(best);
          assert.equal(best.plan.memory.verdict, "fits");
          assert.equal(best.plan.memory.fits, true);
        } catch (error) {
          if (!(error instanceof InfeasibleError)) throw error;
        }
      }),
      { numRuns: 60 },
    );
  });
});
