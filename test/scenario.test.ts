import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ACCELERATORS } from "../src/catalog/accelerators.ts";
import { hardwareCalibrationFor } from "../src/catalog/hardware-calibrations.ts";
import { PLATFORMS } from "../src/catalog/platforms.ts";
import { InfeasibleError, InputError } from "../src/errors.ts";
import { buildoutScenario } from "../src/pipeline/buildout.ts";
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

describe("inline accelerators and platforms", () => {
  const small = "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64 }\n";
  const withAccelerator = (section: string, rest = "gpus: 64") =>
    `${small}cluster: { accelerator: ${section}, ${rest} }\n`;
  const h100 = ACCELERATORS.find((a) => a.name === "h100-sxm");
  const h20 =
    "{ calibrateAs: h100-sxm, name: h20, hbmGB: 102, bf16DenseTflops: 148, fp8DenseTflops: 296, hbmGBps: 4000, scaleUpDomainGpus: 8, scaleUpGBps: 450, scaleOutGbps: 400, tdpWatts: 400 }";

  it("a preset with overrides changes the plan's memory capacity and marks the figures as the user's", () => {
    const scenario = loadScenario(withAccelerator("{ preset: h100-sxm, hbmGB: 96 }"));
    const accelerator = scenario.cluster.accelerator;
    assert.equal(accelerator.name, "h100-sxm-custom");
    assert.equal(accelerator.hbmBytes, 96e9);
    assert.equal(accelerator.bf16DenseFlops, h100?.bf16DenseFlops);
    assert.equal(accelerator.sources.hbmBytes.ref, "scenario file (user value)");
    assert.match(accelerator.sources.hbmBytes.note ?? "", /cluster\.accelerator\.hbmGB: 96/);
    assert.equal(accelerator.sources.bf16DenseFlops, h100?.sources.bf16DenseFlops);
    assert.equal(scenario.cluster.hardware, hardwareCalibrationFor("hopper"));
    assert.equal(scenario.facility.platform.name, "hgx-h100", "the preset's usual server");
    const custom = planScenario(scenario);
    const catalog = planScenario(loadScenario(withAccelerator("h100-sxm")));
    assert.equal(custom.plan.memory.capacityBytes, 96e9);
    assert.equal(catalog.plan.memory.capacityBytes, h100?.hbmBytes);
  });

  it("a preset alone is the catalog part itself", () => {
    assert.equal(loadScenario(withAccelerator("{ preset: h100-sxm }")).cluster.accelerator, h100);
  });

  it("a full section with calibrateAs gives every figure, each the user's, in SI units", () => {
    const accelerator = loadScenario(withAccelerator(h20)).cluster.accelerator;
    assert.equal(accelerator.name, "h20");
    assert.equal(accelerator.generation, "hopper");
    assert.equal(accelerator.basedOn, "h100-sxm");
    assert.equal(accelerator.bf16DenseFlops, 148e12);
    assert.equal(accelerator.hbmBytesPerSecond, 4e12);
    assert.equal(accelerator.scaleUpBytesPerSecond, 450e9);
    for (const source of Object.values(accelerator.sources))
      assert.equal(source.ref, "scenario file (user value)");
    const blackwell = loadScenario(
      withAccelerator(h20.replace("calibrateAs: h100-sxm", "calibrateAs: b200")),
    );
    assert.equal(blackwell.cluster.accelerator.generation, "blackwell");
    assert.equal(blackwell.facility.platform.name, "dgx-b200");
  });

  it("a full section without a figure names each missing field and its unit", () => {
    const error = inputError(withAccelerator("{ name: mystery, hbmGB: 96, tdpWatts: 500 }"));
    assert.equal(error.path, "cluster.accelerator.bf16DenseTflops");
    assert.match(error.message, /or a cluster\.accelerator\.preset to take them from/);
    assert.match(
      error.message,
      /missing: bf16DenseTflops \(TFLOP\/s\), fp8DenseTflops \(TFLOP\/s\), hbmGBps \(GB\/s\), scaleUpDomainGpus \(GPUs\), scaleUpGBps \(GB\/s\), scaleOutGbps \(Gb\/s\), calibrateAs/,
    );
    const noBase = inputError(withAccelerator(h20.replace("calibrateAs: h100-sxm, ", "")));
    assert.equal(noBase.path, "cluster.accelerator.calibrateAs");
  });

  it("a figure out of bounds or in the wrong unit names the field, the value and the unit", () => {
    const bytes = inputError(withAccelerator("{ preset: h100-sxm, hbmGB: 96e9 }"));
    assert.equal(bytes.path, "cluster.accelerator.hbmGB");
    assert.match(bytes.message, /got 96000000000, expected at most 10,000 \(hbmGB is in GB\)/);
    assert.match(
      inputError(withAccelerator("{ preset: h100-sxm, tdpWatts: 0 }")).message,
      /cluster\.accelerator\.tdpWatts: got 0, expected a positive number \(tdpWatts is in W\)/,
    );
    assert.match(
      inputError(withAccelerator("{ preset: h100-sxm, scaleUpDomainGpus: 7.5 }")).message,
      /scaleUpDomainGpus: got 7\.5, expected a whole number/,
    );
    const typo = inputError(withAccelerator("{ preset: h100-sxm, hbmGb: 96 }"));
    assert.equal(typo.path, "cluster.accelerator.hbmGb");
    assert.equal(typo.suggestion, "hbmGB");
  });

  it("an unknown preset or calibration base suggests the nearest catalog name", () => {
    const preset = inputError(withAccelerator("{ preset: h100-sx, hbmGB: 96 }"));
    assert.equal(preset.path, "cluster.accelerator.preset");
    assert.equal(preset.suggestion, "h100-sxm");
    const base = inputError(withAccelerator(h20.replace("calibrateAs: h100-sxm", "calibrateAs: b20")));
    assert.equal(base.path, "cluster.accelerator.calibrateAs");
    assert.equal(base.suggestion, "b200");
  });

  it("refuse a catalog part's name on other figures, and FP8 on a part without it", () => {
    const error = inputError(withAccelerator("{ preset: h100-sxm, name: h200, hbmGB: 96 }"));
    assert.equal(error.path, "cluster.accelerator.name");
    const fp8 = inputError(
      withAccelerator(h20.replace("fp8DenseTflops: 296", "fp8DenseTflops: 0")).replace(
        "globalBatchSequences: 64",
        "globalBatchSequences: 64, precision: fp8",
      ),
    );
    assert.equal(fp8.path, "training.precision");
    assert.match(fp8.message, /h20 has no FP8/);
  });

  it("a site section may hold its own accelerator, and ranges of its figures plan at the median", () => {
    const scenario = loadScenario(
      `${small}cluster: { gpus: 64 }\nsite: { accelerator: { preset: b200, hbmGB: 150..250 } }\n`,
    );
    assert.equal(scenario.cluster.accelerator.hbmBytes, 200e9);
    assert.equal(scenario.cluster.accelerator.sources.hbmBytes.note, "site.accelerator.hbmGB: 200");
    assert.equal(scenario.facility.platform.name, "dgx-b200");
  });

  it("a platform preset with overrides changes the build-out, and says the figures are the user's", () => {
    const scenario = loadScenario(
      `${withAccelerator(h20)}site: { platform: { preset: hgx-h100, serverMaxWatts: 7800, priceUsd: 220000 } }\n`,
    );
    const platform = scenario.facility.platform;
    assert.equal(platform.name, "hgx-h100-custom");
    assert.equal(platform.gpusPerServer, 8);
    assert.equal(platform.sources.priceUsd?.ref, "scenario file (user value)");
    const report = buildoutScenario(scenario.facility);
    assert.equal(report.result.cost.capexBreakdownUsd.servers, 8 * 220000);
    const price = report.assumptions.find((a) => a.what === "server price");
    assert.equal(price?.source, "scenario file (user value)");
    assert.equal(report.assumptions.find((a) => a.what === "GPU TDP")?.source, "scenario file (user value)");
  });

  it("a full platform section carries the scenario's GPU and fills the draw from the catalog's estimate", () => {
    const scenario = loadScenario(
      `${withAccelerator("b200")}site: { platform: { name: four-way, gpusPerServer: 4, serverMaxWatts: 6000, rackUnits: 4, priceUsd: 250000 } }\n`,
    );
    const platform = scenario.facility.platform;
    assert.deepEqual(platform.accelerators, ["b200"]);
    assert.equal(platform.gpusPerHost, 4);
    assert.equal(platform.typicalGpuFraction, PLATFORMS[0]?.typicalGpuFraction);
    assert.equal(platform.cooling, "air");
    const missing = inputError(`${withAccelerator("b200")}site: { platform: { gpusPerServer: 4 } }\n`);
    assert.equal(missing.path, "site.platform.serverMaxWatts");
    assert.match(missing.message, /missing: serverMaxWatts \(W\), rackUnits \(U\), priceUsd \(\$\)/);
  });

  it("a platform must carry the GPU, hold its power and split into whole hosts", () => {
    const carries = inputError(
      `${withAccelerator("b200")}site: { platform: { preset: hgx-h100, priceUsd: 1 } }\n`,
    );
    assert.equal(carries.path, "site.platform.preset");
    assert.match(carries.message, /a platform that carries b200 \(dgx-b200\)/);
    const power = inputError(withAccelerator("{ preset: h100-sxm, tdpWatts: 1600 }"));
    assert.equal(power.path, "site.platform");
    assert.match(power.message, /8 x 1,600 W of h100-sxm-custom = 12,800 W/);
    const own = inputError(
      `${withAccelerator("h100-sxm")}site: { platform: { preset: hgx-h100, serverMaxWatts: 5000 } }\n`,
    );
    assert.equal(own.path, "site.platform.serverMaxWatts");
    const hosts = inputError(
      `${withAccelerator("h100-sxm")}site: { platform: { preset: hgx-h100, gpusPerHost: 3 } }\n`,
    );
    assert.equal(hosts.path, "site.platform.gpusPerHost");
    assert.match(
      inputError(
        `${withAccelerator("h100-sxm")}site: { platform: { preset: hgx-h100, typicalGpuFraction: 1.5 } }\n`,
      ).message,
      /site\.platform\.typicalGpuFraction: got 1\.5, expected at most 1/,
    );
  });
});

describe("2025-2026 catalog parts", () => {
  const small = "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64 }\n";
  const on = (accelerator: string) =>
    loadScenario(`${small}cluster: { accelerator: ${accelerator}, gpus: 64 }\n`);

  it("B300, MI325X and MI355X load with their own servers and their generation's constants", () => {
    for (const [name, platform, generation] of [
      ["b300", "hgx-b300", "blackwell"],
      ["mi325x", "mi325x-platform", "cdna3"],
      ["mi355x", "mi355x-platform", "cdna4"],
    ] as const) {
      const scenario = on(name);
      assert.equal(scenario.cluster.accelerator.generation, generation, name);
      assert.equal(scenario.facility.platform.name, platform, name);
      assert.equal(scenario.cluster.hardware, hardwareCalibrationFor(generation), name);
    }
  });

  it("every catalog part carries dense rates: FP8 twice BF16, never a 2:4 sparse figure", () => {
    for (const part of ACCELERATORS) {
      if (part.fp8DenseFlops === 0) continue;
      assert.ok(Math.abs(part.fp8DenseFlops / part.bf16DenseFlops - 2) < 0.01, part.name);
    }
    // NVIDIA/dgxc-benchmarking README (26.04.01): dense BF16 / FP8 TFLOP/s per GPU.
    const dense: Record<string, [number, number]> = {
      b200: [2250, 4500],
      b300: [2250, 4500],
      gb200: [2450, 4900],
      gb300: [2450, 4900],
    };
    for (const [name, [bf16, fp8]] of Object.entries(dense)) {
      const part = ACCELERATORS.find((a) => a.name === name);
      assert.equal(part?.bf16DenseFlops, bf16 * 1e12, name);
      assert.equal(part?.fp8DenseFlops, fp8 * 1e12, name);
    }
  });

  it("the Colossus 2 preset is ~110,000 GB200 in NVL72 racks, and plans a 3T mixture of experts", () => {
    const scenario = loadScenario(
      readFileSync(new URL("../examples/colossus-2-grok.yaml", import.meta.url), "utf8"),
    );
    assert.equal(scenario.facility.platform.name, "gb200-nvl72");
    const result = planScenario(scenario);
    assert.equal(result.scenario.accelerator, "gb200");
    assert.ok(Math.abs(result.plan.model.parameters / 3e12 - 1) < 0.05, "about 3 T parameters");
    const l = result.plan.layout;
    assert.equal(l.tp * l.pp * l.cp * l.dp, 110_000);
    assert.ok(l.ep > 1, "experts spread over GPUs");
    assert.ok(result.plan.memory.fits);
  });

  it("a site preset may swap its network for the 800G families", () => {
    for (const network of ["infiniband-xdr", "spectrum-x800"]) {
      const report = buildoutScenario(
        loadScenario(`name: x\nsite: { preset: stargate-uae-200mw, network: ${network} }\n`).facility,
      );
      assert.equal(report.result.accelerator, "gb300");
      assert.ok(report.result.power.facilityMegawatts <= 200 + 1e-6, network);
    }
  });
});
