import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planLayout } from "../src/parallel/plan.ts";
import { stepTime } from "../src/parallel/step-time.ts";
import { llama405bInput, relativeError } from "./helpers.ts";

describe("step time", () => {
  it("the breakdown terms are non-negative and add up to the step time", () => {
    const { breakdown, seconds } = stepTime(llama405bInput());
    const { total, ...terms } = breakdown;
    for (const [term, value] of Object.entries(terms)) assert.ok(value >= 0, term);
    assert.ok(
      relativeError(
        Object.values(terms).reduce((a, b) => a + b, 0),
        seconds,
      ) < 1e-12,
    );
    assert.equal(total, seconds);
  });

  it("the 1F1B bubble is (p - 1)/v stage-times, and interleaving shrinks it", () => {
    const plain = stepTime(llama405bInput({ virtualStages: 1 }));
    assert.ok(relativeError(plain.breakdown.pipelineBubble, 15 * plain.averageStageSeconds) < 1e-12);
    const interleaved = stepTime(llama405bInput({ virtualStages: 4 }));
    assert.ok(interleaved.breakdown.pipelineBubble < plain.breakdown.pipelineBubble / 3);
  });

  it("full recompute repeats the forward pass; selective only attention", () => {
    const none = stepTime(llama405bInput({ recompute: "none" }));
    const selective = stepTime(llama405bInput({ recompute: "selective" }));
    const full = stepTime(llama405bInput({ recompute: "full" }));
    assert.ok(selective.seconds > none.seconds && full.seconds > selective.seconds);
    // The recomputed forward is about a third of forward + backward.
    const ratio = full.breakdown.recompute / (full.breakdown.matmul + full.breakdown.attention);
    assert.ok(ratio > 0.25 && ratio < 0.4, `ratio ${ratio}`);
  });

  it("MFU is model FLOP/s over the dense BF16 peak and time to train follows the token budget", () => {
    const plan = planLayout(llama405bInput());
    assert.ok(plan.throughput.mfu > 0.3 && plan.throughput.mfu < 0.6, `mfu ${plan.throughput.mfu}`);
    assert.ok(relativeError(plan.throughput.tflopsPerGpu * 1e12, plan.throughput.mfu * 989.4e12) < 1e-12);
    const training = plan.training;
    assert.ok(training);
    assert.equal(training.steps, Math.ceil(15.6e12 / (2048 * 8192)));
    assert.ok(relativeError(training.gpuHours, training.days * 24 * 16384) < 1e-12);
  });
});
