import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InfeasibleError, InputError } from "../src/errors.ts";
import { planScenario } from "../src/pipeline/plan.ts";
import { drawText } from "../src/report/document.ts";
import { planReport } from "../src/report/plan-report.ts";
import { loadScenario } from "../src/scenario/normalize.ts";

const valid = `
model: llama-3-70b
training: { sequenceLength: 8192, globalBatchSequences: 512, tokens: 1.5e13 }
cluster: { accelerator: h100-sxm, gpus: 1024 }
layout: { tp: 8, pp: 4 }
`;

function inputError(text: string): InputError {
  try {
    loadScenario(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  assert.fail("expected an input error");
}

describe("scenario files", () => {
  it("resolve catalog names and derive dp from the cluster size", () => {
    const scenario = loadScenario(valid);
    assert.equal(scenario.model?.name, "llama-3-70b");
    assert.equal(scenario.cluster.stack.name, "megatron-core");
    assert.deepEqual(scenario.search?.pinned, { tp: 8, pp: 4 });
    assert.equal(scenario.search?.maxTp, 8);
    assert.deepEqual(scenario.search?.batch, { min: 512, max: 512 });
    assert.equal(scenario.training?.precision, "bf16");
  });

  it("read JSON as well as YAML, and a token batch as sequences", () => {
    const scenario = loadScenario(
      JSON.stringify({
        model: "tinyllama-1.1b",
        training: { sequenceLength: 2048, globalBatchTokens: 2097152 },
        cluster: { accelerator: "a100-sxm-80gb", gpus: 16 },
        layout: { tp: 1, pp: 1 },
      }),
    );
    assert.equal(scenario.training?.globalBatchSequences, 1024);
  });

  it("let an inline model override a preset field by field", () => {
    const scenario = loadScenario(
      valid.replace("model: llama-3-70b", "model: { preset: llama-3-70b, layers: 40 }"),
    );
    assert.equal(scenario.model?.layers, 40);
    assert.equal(scenario.model?.hidden, 8192);
  });

  it("name the field, the value and the nearest catalog name for a typo", () => {
    const error = inputError(valid.replace("h100-sxm", "h100-sx"));
    assert.equal(error.path, "cluster.accelerator");
    assert.equal(error.suggestion, "h100-sxm");
    assert.match(error.message, /cluster\.accelerator: got "h100-sx", expected a known accelerator/);
  });

  it("reject unknown fields with a suggestion", () => {
    const error = inputError(valid.replace("sequenceLength", "sequenceLenght"));
    assert.equal(error.path, "training.sequenceLenght");
    assert.equal(error.suggestion, "sequenceLength");
  });

  it("reject wrong types and negative counts", () => {
    assert.equal(inputError(valid.replace("gpus: 1024", "gpus: -8")).path, "cluster.gpus");
    assert.equal(inputError(valid.replace("gpus: 1024", "gpus: lots")).path, "cluster.gpus");
    assert.equal(inputError(valid.replace("tp: 8", "tp: 2.5")).path, "layout.tp");
  });

  it("reject empty files, non-objects and YAML alias bombs", () => {
    assert.match(inputError("").message, /expected a scenario/);
    assert.match(inputError("- 1\n- 2").message, /expected a scenario/);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    assert.match(inputError(bomb.join("\n")).message, /valid YAML or JSON/);
  });

  it("reject FP8 on an accelerator without FP8", () => {
    const error = inputError(
      valid.replace("h100-sxm", "a100-sxm-80gb").replace("tokens: 1.5e13", "precision: fp8"),
    );
    assert.equal(error.path, "training.precision");
  });

  it("report which layout constraint fails", () => {
    const scenario = loadScenario(valid.replace("tp: 8, pp: 4", "tp: 3, pp: 4, dp: 10"));
    assert.throws(
      () => planScenario(scenario),
      (error: unknown) =>
        error instanceof InfeasibleError &&
        /layout\.gpus: tp x pp x cp x dp = 3 x 4 x 1 x 10 = 120/.test(error.message) &&
        /tp 3 does not divide the 64 attention heads/.test(error.message),
    );
  });

  it("expand training and checkpoint presets, with inline fields overriding them", () => {
    const scenario = loadScenario(
      "model: gpt-3-175b\ntraining: { preset: gpt-3-175b-pretraining, tokens: 1e12 }\ncheckpoint: llama-3-tectonic\ncluster: { accelerator: a100-sxm-80gb, gpus: 1024 }\n",
    );
    assert.equal(scenario.training?.sequenceLength, 2048);
    assert.equal(scenario.training?.globalBatchSequences, 1536);
    assert.equal(scenario.training?.tokens, 1e12);
    assert.equal(scenario.run.checkpoint.mode, "sync");
    assert.equal(scenario.run.checkpoint.storage.aggregateWriteBytesPerSecond, 2e12);
    assert.equal(
      inputError(valid.replace("training: {", "training: { preset: nope,")).path,
      "training.preset",
    );
  });
});

describe("plans that always have an answer for a real site", () => {
  it("a site's GPU count with a batch that does not divide over it plans at the nearest batch that does", () => {
    const result = planScenario(
      loadScenario(
        "model: llama-3-70b\ntraining: { sequenceLength: 8192, globalBatchSequences: 2048, tokens: 1e13 }\nsite: colossus-100k\n",
      ),
    );
    assert.equal(result.scenario.gpus, 100_000);
    assert.equal(result.adjustment?.kind, "batch");
    const l = result.plan.layout;
    assert.equal(l.tp * l.pp * l.cp * l.dp, 100_000, "no GPU idle");
    const planned = result.plan.step.tokens / 8192;
    assert.ok(Math.abs(planned / 2048 - 1) <= 0.25);
    assert.match(
      drawText(planReport(result)),
      /Adjusted {2}a global batch of 2,048 sequences does not divide/,
    );
  });

  it("when no nearby batch divides, it uses the most GPUs it can and says how many stay idle", () => {
    const result = planScenario(
      loadScenario(
        "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 8 }\ncluster: { accelerator: h100-sxm, gpus: 1048 }\n",
      ),
    );
    const adjustment = result.adjustment;
    assert.equal(adjustment?.kind, "idle-gpus");
    if (adjustment?.kind !== "idle-gpus") return;
    const l = result.plan.layout;
    assert.equal(l.tp * l.pp * l.cp * l.dp, adjustment.used);
    assert.equal(adjustment.used + adjustment.idle, 1048);
    assert.equal(result.plan.step.tokens, 8 * 4096, "the batch asked for is kept");
  });

  it("a batch that divides is planned as asked, with nothing adjusted", () => {
    const result = planScenario(
      loadScenario(
        "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 512 }\ncluster: { accelerator: h100-sxm, gpus: 512 }\n",
      ),
    );
    assert.equal(result.adjustment, undefined);
  });
});
