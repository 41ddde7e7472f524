import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { flopsPerToken, hardwareFlopsPerToken, parameterCounts } from "../src/model/transformer.ts";
import { model, relativeError } from "./helpers.ts";

describe("parameter counts", () => {
  it("Llama 3 405B has about 405.8 B parameters", () => {
    // Per layer: attention 16384 x (16384 + 2 x 1024) + 16384^2 = 570.4 M; gated MLP 3 x 16384 x 53248 = 2.617 B.
    const counts = parameterCounts(model("llama-3-405b"));
    assert.equal(counts.attentionPerLayer, 16384 * (16384 + 2048) + 16384 * 16384);
    assert.equal(counts.denseMlpPerLayer, 3 * 16384 * 53248);
    assert.ok(relativeError(counts.total, 405.85e9) < 0.001, `total ${counts.total}`);
  });

  it("GPT-3 175B has 12 l h^2 layer weights plus one tied embedding", () => {
    const counts = parameterCounts(model("gpt-3-175b"));
    assert.equal(counts.outputProjection, 0);
    const layerMatmuls = 96 * (counts.attentionPerLayer + counts.denseMlpPerLayer);
    assert.equal(layerMatmuls, 12 * 96 * 12288 ** 2);
    assert.ok(relativeError(counts.total, 175e9) < 0.01);
  });

  it("TinyLlama 1.1B and Llama 3.2 1B match their model cards", () => {
    assert.ok(relativeError(parameterCounts(model("tinyllama-1.1b")).total, 1.1e9) < 0.01);
    assert.ok(relativeError(parameterCounts(model("llama-3.2-1b")).total, 1.236e9) < 0.01);
  });
});

describe("FLOPs per token", () => {
  it("matches Narayanan et al. eq. 3 with full recompute: 96 l h^2 + 16 l s h + 6 V h", () => {
    const m = { ...model("megatron-lm-530b") };
    const s = 2048;
    const { layers: l, hidden: h, vocab: v } = m;
    const expected = 96 * l * h * h + 16 * l * s * h + 6 * v * h;
    assert.ok(relativeError(hardwareFlopsPerToken(m, s, "full", "full"), expected) < 1e-12);
  });

  it("model FLOPs are 72 l h^2 (1 + s/6h + V/12lh) per token (Korthikanti et al. eq. 7)", () => {
    const m = model("gpt-3-175b");
    const s = 2048;
    const { layers: l, hidden: h, vocab: v } = m;
    const expected = 72 * l * h * h * (1 + s / (6 * h) + v / (12 * l * h));
    assert.ok(relativeError(flopsPerToken(m, s, "full").training, expected) < 1e-12);
  });

  it("the causal convention counts half the attention score work", () => {
    const m = model("llama-3-8b");
    const full = flopsPerToken(m, 8192, "full");
    const causal = flopsPerToken(m, 8192, "causal");
    assert.equal(causal.forwardAttention * 2, full.forwardAttention);
    assert.equal(causal.forwardMatmul, full.forwardMatmul);
  });

  it("selective recompute adds only the attention forward; none adds nothing", () => {
    const m = model("llama-3-70b");
    const base = flopsPerToken(m, 4096, "full");
    assert.equal(hardwareFlopsPerToken(m, 4096, "full", "none"), base.training);
    assert.equal(hardwareFlopsPerToken(m, 4096, "full", "selective"), base.training + base.forwardAttention);
  });
});
