import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hardwareCalibrationFor } from "../src/catalog/hardware-calibrations.ts";
import { main } from "../src/cli/main.ts";
import { InputError } from "../src/errors.ts";
import { ringTreeNetwork } from "../src/fabric/network.ts";
import { normalizeScenario } from "../src/scenario/normalize.ts";
import { searchServing } from "../src/serving/fleet.ts";
import { erlangC, latencyAtLoad } from "../src/serving/queueing.ts";
import { evaluateReplica, type ServingSetup } from "../src/serving/replica.ts";
import { evaluateInferenceAccuracy } from "../src/validation/inference-accuracy.ts";
import { INFERENCE_MEASUREMENTS, INFERENCE_SOURCES } from "../src/validation/published-inference.ts";
import { accelerator, model } from "./helpers.ts";

const summary = evaluateInferenceAccuracy();
const rowsOf = (name: string) => summary.sources.find((s) => s.source.name === name)?.rows ?? [];
const meanAbs = (errors: readonly number[]) =>
  errors.reduce((sum, e) => sum + Math.abs(e), 0) / errors.length;

describe("serving model against published inference measurements", () => {
  it("predicts every measurement of every source, finite and positive, each source with a citation", () => {
    assert.equal(summary.sources.length, INFERENCE_SOURCES.length);
    const rows = summary.sources.flatMap((s) => s.rows);
    assert.equal(rows.length, INFERENCE_MEASUREMENTS.length);
    for (const r of rows) assert.ok(Number.isFinite(r.predicted) && r.predicted > 0, r.measurement.id);
    for (const s of INFERENCE_SOURCES) assert.match(s.source.ref, /commit [0-9a-f]{40}|arXiv/);
    assert.equal(new Set(INFERENCE_MEASUREMENTS.map((m) => m.id)).size, INFERENCE_MEASUREMENTS.length);
  });

  it("reports the mean absolute error over the counted rows, the floor-setting rows left out", () => {
    const counted = summary.sources.flatMap((s) => s.rows.filter((r) => !r.setsEngineFloor));
    assert.equal(summary.counted, counted.length);
    assert.ok(Math.abs(summary.meanAbsoluteError - meanAbs(counted.map((r) => r.error))) < 1e-12);
    // Each floor row reproduces its own measurement: the floor is what the model leaves unexplained.
    for (const r of rowsOf("splitwise-profiles").filter((row) => row.setsEngineFloor))
      assert.ok(Math.abs(r.error) < 1e-9, r.measurement.id);
  });

  it("holds TensorRT-LLM's offline throughput on H100 and H200 within 10% on average", () => {
    const hopper = rowsOf("trtllm-v1.0-offline").filter((r) =>
      ["h100-sxm", "h200"].includes(r.measurement.accelerator),
    );
    assert.equal(hopper.length, 60);
    assert.ok(meanAbs(hopper.map((r) => r.error)) < 0.1, String(meanAbs(hopper.map((r) => r.error))));
  });

  it("runs the offline rows at the largest batch the KV cache holds, more for shorter sequences", () => {
    const offline = rowsOf("trtllm-v1.0-offline").filter(
      (r) => r.measurement.model === "llama-3-8b" && r.measurement.accelerator === "h100-sxm",
    );
    const batchAt = (input: number, output: number) =>
      offline.find((r) => r.measurement.inputTokens === input && r.measurement.outputTokens === output)
        ?.batch;
    assert.ok((batchAt(128, 2048) ?? 0) > (batchAt(2048, 2048) ?? Infinity));
    assert.ok((batchAt(2048, 2048) ?? 0) > (batchAt(20000, 2000) ?? Infinity));
  });

  it("validate prints the serving tables and their total, and --json carries every row", async () => {
    const out: string[] = [];
    const code = await main(["validate", "--json"], { out: (t) => out.push(t), err: () => {} });
    assert.equal(code, 0);
    const json = JSON.parse(out.join("\n"));
    assert.equal(json.serving.counted, summary.counted);
    assert.equal(
      json.serving.sources.reduce((n: number, s: { rows: unknown[] }) => n + s.rows.length, 0),
      INFERENCE_MEASUREMENTS.length,
    );
    const text: string[] = [];
    await main(["validate"], { out: (t) => text.push(t), err: () => {} });
    assert.match(
      text.join("\n"),
      /Serving: mean absolute error [\d.]+% over \d+ published inference measurements/,
    );
  });
});

const h100 = accelerator("h100-sxm");
const hopper = hardwareCalibrationFor("hopper");
const setupOf = (name: string, overrides: Partial<ServingSetup> = {}): ServingSetup => ({
  model: model(name),
  accelerator: h100,
  hardware: hopper,
  net: ringTreeNetwork({ accelerator: h100, hardware: hopper }),
  precision: "fp8",
  kvPrecision: "fp8",
  inputTokens: 1000,
  outputTokens: 200,
  prefixCacheHitRate: 0,
  speculativeTokens: 0,
  speculativeAcceptance: 0,
  stepOverheadSeconds: 0.0005,
  ...overrides,
});

describe("one replica's prefill and pinned layout", () => {
  it("prefills a batch of short prompts at a higher rate than one prompt alone", () => {
    const s = setupOf("llama-3-70b", { inputTokens: 128 });
    const one = evaluateReplica(s, { tp: 4, pp: 1, ep: 1, batch: 1 });
    const many = evaluateReplica(s, { tp: 4, pp: 1, ep: 1, batch: 32 });
    assert.ok(many.prefillTokensPerSecond > 2 * one.prefillTokensPerSecond);
    // The first token comes out of the request's own prefill, whatever the batch.
    assert.equal(one.timeToFirstTokenSeconds, many.timeToFirstTokenSeconds);
  });

  it("a provisioned context holds fewer sequences, and the search keeps it", () => {
    const s = setupOf("llama-3-70b");
    const own = evaluateReplica(s, { tp: 4, pp: 1, ep: 1, batch: 1 }).memory.maxBatch;
    const long = evaluateReplica(s, { tp: 4, pp: 1, ep: 1, batch: 1, contextTokens: 12_000 }).memory.maxBatch;
    assert.ok(long < own / 5, `${long} vs ${own}`);
    const fleet = {
      demand: { users: 100_000, requestsPerUserPerDay: 10, peakToMean: 2 },
      slo: { ttftSeconds: 2, tpotSeconds: 0.05, percentile: 0.9 },
      headroom: 0.2,
      disaggregated: false,
    };
    const found = searchServing(s, fleet, { tp: 4, contextTokens: 12_000 });
    assert.equal(found.best.replica.layout.contextTokens, 12_000);
    assert.ok(found.best.replica.layout.batch <= long);
  });

  it("charges a MoE replica's expert all-to-all, more when the experts are spread wider", () => {
    const s = setupOf("mixtral-8x7b");
    const ep1 = evaluateReplica(s, { tp: 8, pp: 1, ep: 1, batch: 64 });
    const ep8 = evaluateReplica(s, { tp: 8, pp: 1, ep: 8, batch: 64 });
    assert.ok(ep8.decode.communication > ep1.decode.communication);
  });

  it("refuses a pinned ep on a dense model, one not dividing the replica, and a context shorter than a request", () => {
    const base = {
      model: "llama-3-70b",
      cluster: { accelerator: "h100-sxm" },
      serve: { demand: { users: 1000, requestsPerUserPerDay: 1, inputTokens: 1000, outputTokens: 100 } },
    };
    const refused = (serve: Record<string, unknown>, model = "llama-3-70b") => {
      try {
        normalizeScenario({ ...base, model, serve: { ...base.serve, ...serve } });
      } catch (error) {
        assert.ok(error instanceof InputError);
        return error.path;
      }
      return undefined;
    };
    assert.equal(refused({ replica: { tp: 4, pp: 1, ep: 4 } }), "serve.replica.ep");
    assert.equal(refused({ replica: { tp: 4, pp: 1, ep: 3 } }, "mixtral-8x7b"), "serve.replica.ep");
    assert.equal(refused({ replica: { tp: 4, pp: 1, ep: 2 } }, "mixtral-8x7b"), undefined);
    assert.equal(refused({ replica: { contextTokens: 1000 } }), "serve.replica.contextTokens");
  });
});

describe("latency at a percentile under load", () => {
  const fleetAt = (
    overrides: Partial<{ percentile: number; users: number; disaggregated: boolean }> = {},
  ) => ({
    demand: { users: overrides.users ?? 2_000_000, requestsPerUserPerDay: 10, peakToMean: 2 },
    slo: { ttftSeconds: 2, tpotSeconds: 0.05, percentile: overrides.percentile ?? 0.9 },
    headroom: 0.2,
    disaggregated: overrides.disaggregated ?? false,
  });

  it("Erlang C: an M/M/1 arrival waits with probability rho; two servers at load 1 with 1/3", () => {
    assert.ok(Math.abs(erlangC(1, 0.7) - 0.7) < 1e-12);
    assert.ok(Math.abs(erlangC(2, 1) - 1 / 3) < 1e-12);
    assert.equal(erlangC(4, 4), 1);
    assert.equal(erlangC(4, 0), 0);
  });

  it("at no load is the replica's own latency, and grows with the load", () => {
    const s = setupOf("llama-3-70b");
    const replica = evaluateReplica(s, { tp: 4, pp: 1, ep: 1, batch: 64 });
    const idle = latencyAtLoad(s, replica, { colocated: 0 }, 0.9);
    assert.equal(idle.timeToFirstTokenSeconds, replica.timeToFirstTokenSeconds);
    assert.equal(idle.timePerOutputTokenSeconds, replica.timePerOutputTokenSeconds);
    let last = idle;
    for (const share of [0.2, 0.4, 0.6, 0.8]) {
      const now = latencyAtLoad(s, replica, { colocated: share * replica.requestsPerSecond }, 0.9);
      assert.ok(now.timeToFirstTokenSeconds >= last.timeToFirstTokenSeconds, String(share));
      assert.ok(now.timePerOutputTokenSeconds > last.timePerOutputTokenSeconds, String(share));
      last = now;
    }
    // Past the prefill capacity nothing is bounded.
    const over = latencyAtLoad(s, replica, { colocated: 10 * replica.requestsPerSecond }, 0.9);
    assert.equal(over.timeToFirstTokenSeconds, Number.POSITIVE_INFINITY);
  });

  it("a stricter percentile never needs fewer GPUs, and the fleet meets it at the peak", () => {
    const s = setupOf("llama-3-70b");
    let last = 0;
    for (const percentile of [0.5, 0.9, 0.99, 0.999]) {
      const best = searchServing(s, fleetAt({ percentile })).best;
      assert.ok(best.fleet.gpus >= last, String(percentile));
      assert.ok(best.fleet.latency.timeToFirstTokenSeconds <= 2);
      assert.ok(best.fleet.latency.timePerOutputTokenSeconds <= 0.05);
      last = best.fleet.gpus;
    }
  });

  it("a disaggregated decode pool decodes at the replica's own pace: no prefills share its GPUs", () => {
    const s = setupOf("llama-3-70b");
    const best = searchServing(s, fleetAt({ disaggregated: true })).best;
    assert.equal(best.fleet.latency.prefillShare, 0);
    assert.equal(best.fleet.latency.timePerOutputTokenSeconds, best.replica.timePerOutputTokenSeconds);
    assert.equal((best.fleet.prefillReplicas ?? 0) + (best.fleet.decodeReplicas ?? 0), best.fleet.replicas);
  });
});
