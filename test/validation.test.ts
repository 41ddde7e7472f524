import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateAccuracy, stackOf } from "../src/validation/accuracy.ts";
import {
  accuracyByStack,
  errorBands,
  leaveOneStackOutMean,
  REFERENCE_STACKS,
} from "../src/validation/cross-validation.ts";
import { ERROR_BANDS } from "../src/validation/error-bands.ts";

// The accuracy table is a test: these bounds are the model's current, honest accuracy, so a change that
// makes it worse fails here. The goals (mean <= 5%, every run <= 10%, leave-one-stack-out <= 10%)
// are printed, met or missed, by `validate`.
const summary = evaluateAccuracy();
const byStack = accuracyByStack(summary);

describe("accuracy against published runs", () => {
  it("covers every run in the published set", () => {
    assert.equal(summary.runs.length, 73);
  });

  const calibration = summary.runs.filter(
    (r) =>
      REFERENCE_STACKS.includes(stackOf(r.run).name) &&
      (r.run.precision ?? "bf16") === "bf16" &&
      !r.run.model.match(/mixtral|grok|deepseek/),
  );

  it("keeps the calibration set's mean absolute step-time error under 6.5%", () => {
    const mean = calibration.reduce((sum, r) => sum + Math.abs(r.stepError), 0) / calibration.length;
    assert.ok(mean < 0.065, `mean ${mean}`);
  });

  it("keeps the whole table's mean absolute step-time error under 9%", () => {
    assert.ok(summary.meanAbsoluteStepError < 0.09, `mean ${summary.meanAbsoluteStepError}`);
  });

  // Not used to fit the constants: NeMo/Megatron-Bridge FP8, MoE and DeepSeek's DualPipe runs.
  it("predicts the held-out NeMo, Megatron-Bridge and DeepSeek runs within 15%", () => {
    const runs = summary.runs.filter(
      (r) => /^(nemo|bridge|deepseek)-/.test(r.run.id) && /^h[18]00/.test(r.run.accelerator),
    );
    assert.ok(runs.length >= 6);
    for (const r of runs)
      assert.ok(Math.abs(r.stepError) <= 0.15, `${r.run.id}: ${(r.stepError * 100).toFixed(1)}%`);
  });

  // Not used to fit the constants either: PyTorch FSDP (TorchTitan, IBM) and DeepSpeed ZeRO-3 runs.
  it("predicts the held-out eager FSDP runs within 10% on average, and no FSDP or ZeRO-3 run off by over 45%", () => {
    const stackRuns = (name: string) => summary.runs.filter((r) => r.run.stack === name);
    const eager = stackRuns("fsdp2-eager");
    assert.equal(eager.length, 6);
    const mean = eager.reduce((sum, r) => sum + Math.abs(r.stepError), 0) / eager.length;
    assert.ok(mean < 0.1, `mean ${mean}`);
    for (const r of [...eager, ...stackRuns("fsdp2"), ...stackRuns("deepspeed")])
      assert.ok(Math.abs(r.stepError) <= 0.45, `${r.run.id}: ${(r.stepError * 100).toFixed(1)}%`);
  });

  it("reports every stack's error and its leave-one-stack-out error", () => {
    assert.deepEqual(byStack.map((s) => s.stack).sort(), [
      "deepseek-dualpipe",
      "deepspeed",
      "fsdp2",
      "fsdp2-eager",
      "megatron-bridge",
      "megatron-core",
      "megatron-deepspeed",
      "megatron-lm-2021",
      "meta-llama3",
    ]);
    for (const s of byStack) {
      assert.ok(s.runs > 0 && Number.isFinite(s.leaveOutMeanAbsoluteStepError), s.stack);
      assert.ok(s.meanAbsoluteStepError <= s.maxAbsoluteStepError + 1e-12, s.stack);
    }
    // Today's honest figure: a stack left out of the fit is predicted within 20% on average.
    const leaveOut = leaveOneStackOutMean(byStack);
    assert.ok(leaveOut < 0.2, `leave-one-stack-out ${leaveOut}`);
  });

  it("stores the error bands the plans print, as the live table gives them", () => {
    const live = errorBands(byStack, summary);
    assert.equal(ERROR_BANDS.length, live.length);
    for (const band of live) {
      const stored = ERROR_BANDS.find((b) => b.stack === band.stack && b.generation === band.generation);
      assert.ok(stored, band.stack);
      assert.equal(stored.runs, band.runs, band.stack);
      assert.ok(
        Math.abs(stored.meanAbsoluteError - band.meanAbsoluteError) < 0.002,
        `${band.stack}: stored ${stored.meanAbsoluteError}, live ${band.meanAbsoluteError} (run scripts/write-error-bands.ts)`,
      );
    }
  });

  it("predicts Korthikanti et al. Fig. 1 memory within 10%", () => {
    assert.ok(summary.maxAbsoluteMemoryError <= 0.1, `worst ${summary.maxAbsoluteMemoryError}`);
  });

  it("BLOOM's reported ~60 GB per GPU is predicted within 35%", () => {
    const bloom = summary.runs.find((r) => r.run.id === "bloom-176b-384");
    assert.ok(bloom?.run.peakMemoryGiB);
    const error = bloom.plan.memory.perGpuBytes.total / 1024 ** 3 / bloom.run.peakMemoryGiB - 1;
    assert.ok(Math.abs(error) < 0.35, `${(error * 100).toFixed(1)}%`);
  });

  it("the free search never predicts slower than the published layout under the same constraints", () => {
    for (const r of summary.runs) {
      assert.ok(r.searched, r.run.id);
      assert.ok(r.searched.step.seconds <= r.predictedStepSeconds * (1 + 1e-9), r.run.id);
      assert.notEqual(r.searched.memory.verdict, "does not fit", r.run.id);
    }
  });

  it("layouts the search completed for published runs are not called 'does not fit'", () => {
    // Blackwell runs publish no memory figures and several sit at the edge of HBM in the model; the
    // one it calls 'does not fit' (405B MXFP8 on GB300, +2.5%) is printed by validate, not hidden.
    const checked = summary.runs.filter((r) => !/^gb[23]00$/.test(r.run.accelerator));
    for (const r of checked) assert.notEqual(r.plan.memory.verdict, "does not fit", r.run.id);
  });
});
