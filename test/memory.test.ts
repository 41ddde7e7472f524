import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layerActivationBytes } from "../src/model/activations.ts";
import { stateBytesPerParameter } from "../src/model/precision.ts";
import { inFlightMicrobatches, memoryPerGpu } from "../src/parallel/memory.ts";
import { llama405bInput, model, relativeError } from "./helpers.ts";

// Korthikanti et al. 2022, Table 2, for GPT-3 175B: s = 2048, b = 1, h = 12288, a = 96, t = 8.
const gpt = model("gpt-3-175b");
const s = 2048;
const h = 12288;
const a = 96;
const t = 8;
const sbh = s * h;
const shape = {
  tokens: s,
  sequenceLength: s,
  tp: t,
  attentionKernel: "unfused" as const,
  precision: "bf16" as const,
  style: "fused" as const,
};

describe("activation memory per layer (Korthikanti et al. Table 2)", () => {
  it("tensor parallel: sbh (10 + 24/t + 5as/(ht))", () => {
    const bytes = layerActivationBytes(gpt, { ...shape, sequenceParallel: false, recompute: "none" });
    assert.ok(relativeError(bytes.storedPerLayer, sbh * (10 + 24 / t + (5 * a * s) / (h * t))) < 1e-12);
  });
  it("tensor + sequence parallel: sbh (34/t + 5as/(ht))", () => {
    const bytes = layerActivationBytes(gpt, { ...shape, sequenceParallel: true, recompute: "none" });
    assert.ok(relativeError(bytes.storedPerLayer, sbh * (34 / t + (5 * a * s) / (h * t))) < 1e-12);
  });
  it("tensor + sequence parallel + selective recompute: 34 sbh / t", () => {
    const bytes = layerActivationBytes(gpt, { ...shape, sequenceParallel: true, recompute: "selective" });
    assert.ok(relativeError(bytes.storedPerLayer, (34 * sbh) / t) < 1e-12);
  });
  it("full recompute keeps the 2sbh layer input", () => {
    const bytes = layerActivationBytes(gpt, { ...shape, sequenceParallel: false, recompute: "full" });
    assert.equal(bytes.storedPerLayer, 2 * sbh);
    assert.ok(bytes.recomputeWorkingSet > bytes.storedPerLayer);
  });
  it("flash attention drops the s^2 term", () => {
    const unfused = layerActivationBytes(gpt, { ...shape, sequenceParallel: true, recompute: "none" });
    const flash = layerActivationBytes(gpt, {
      ...shape,
      attentionKernel: "flash",
      sequenceParallel: true,
      recompute: "none",
    });
    assert.ok(flash.storedPerLayer < unfused.storedPerLayer / 2);
    assert.ok(flash.storedPerLayer > (34 * sbh) / t);
  });
});

describe("memory per GPU", () => {
  it("interleaving adds (p - 1)/(p v) of in-flight work on the first stage", () => {
    const layout = llama405bInput({ virtualStages: 4 }).layout;
    assert.equal(inFlightMicrobatches(layout, 0, 16), 16 * (1 + 15 / (16 * 4)));
    assert.equal(inFlightMicrobatches(layout, 15, 16), 1);
    assert.equal(inFlightMicrobatches({ ...layout, virtualStages: 1 }, 0, 4), 4);
  });

  it("ZeRO stages shard optimizer, then gradients, then weights over dp", () => {
    const zero0 = memoryPerGpu(llama405bInput({ zero: 0 })).perGpuBytes;
    const zero1 = memoryPerGpu(llama405bInput({ zero: 1 })).perGpuBytes;
    const zero2 = memoryPerGpu(llama405bInput({ zero: 2 })).perGpuBytes;
    const zero3 = memoryPerGpu(llama405bInput({ zero: 3 })).perGpuBytes;
    assert.ok(relativeError(zero1.optimizer, zero0.optimizer / 128) < 1e-9);
    assert.equal(zero1.gradients, zero0.gradients);
    assert.ok(relativeError(zero2.gradients, zero0.gradients / 128) < 1e-9);
    assert.ok(relativeError(zero3.weights, zero0.weights / 128) < 1e-9);
    assert.ok(zero3.workingBuffers > 0);
  });

  it("the Megatron recipe costs 2 + 4 + 12 bytes per parameter, PyTorch AMP 4 + 4 + 8 + 2", () => {
    const megatron = stateBytesPerParameter("megatron", "bf16");
    const amp = stateBytesPerParameter("pytorch-amp", "bf16");
    assert.equal(megatron.weights + megatron.gradients + megatron.optimizer + megatron.castCopies, 18);
    assert.equal(amp.weights + amp.gradients + amp.optimizer + amp.castCopies, 18);
  });

  it("FP8 keeps a row-wise and a transposed FP8 copy of the weights; FP8 weights drop the BF16 copy", () => {
    const fp8 = stateBytesPerParameter("megatron", "fp8");
    const fp8Weights = stateBytesPerParameter("megatron-fp8-params", "fp8");
    assert.equal(fp8.weights + fp8.castCopies, 2 + 2);
    assert.equal(fp8Weights.weights + fp8Weights.castCopies, 1 + 1);
    assert.equal(fp8Weights.optimizer, fp8.optimizer);
  });

  it("every term is positive or zero and the total is their sum", () => {
    const { perGpuBytes } = memoryPerGpu(llama405bInput());
    const { total, ...terms } = perGpuBytes;
    for (const [term, bytes] of Object.entries(terms)) assert.ok(bytes >= 0, term);
    assert.ok(
      relativeError(
        total,
        Object.values(terms).reduce((x, y) => x + y, 0),
      ) < 1e-12,
    );
  });
});
