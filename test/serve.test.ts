import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { hardwareCalibrationFor } from "../src/catalog/hardware-calibrations.ts";
import { ringTreeNetwork } from "../src/fabric/network.ts";
import { fleetFor, searchServing } from "../src/serving/fleet.ts";
import {
  evaluateReplica,
  kvBytesPerToken,
  type ReplicaLayout,
  type ServingSetup,
  tokensPerSpeculativeStep,
} from "../src/serving/replica.ts";
import { accelerator, model, relativeError, runCli } from "./helpers.ts";

const h100 = accelerator("h100-sxm");
const hopper = hardwareCalibrationFor("hopper");
const setup = (overrides: Partial<ServingSetup> = {}): ServingSetup => ({
  model: model("llama-3-70b"),
  accelerator: h100,
  hardware: hopper,
  net: ringTreeNetwork({ accelerator: h100, hardware: hopper }),
  precision: "fp8",
  kvPrecision: "fp8",
  inputTokens: 2000,
  outputTokens: 500,
  prefixCacheHitRate: 0,
  speculativeTokens: 0,
  speculativeAcceptance: 0,
  stepOverheadSeconds: 0.0005,
  ...overrides,
});
const layout = (batch: number): ReplicaLayout => ({ tp: 4, pp: 1, ep: 1, batch });
const fleetSetup = {
  demand: { users: 1_000_000, requestsPerUserPerDay: 10, peakToMean: 2 },
  slo: { ttftSeconds: 2, tpotSeconds: 0.05, percentile: 0.9 },
  headroom: 0.2,
  disaggregated: false,
};

describe("one serving replica", () => {
  it("reads each sequence's KV cache once per step: the KV term is batch x context x bytes / bandwidth", () => {
    const s = setup();
    const r = evaluateReplica(s, layout(64));
    // Llama 3 70B: 80 layers x 8 KV heads x 128 x 2 (K and V) x 1 byte = 163,840 bytes per token;
    // 4-way TP splits the 8 heads. The average context is the prompt and half the answer.
    assert.equal(kvBytesPerToken(s.model, "fp8"), 163_840);
    const bandwidth = h100.hbmBytesPerSecond * hopper.elementwiseBandwidthFraction;
    const expected = (64 * (2000 + 250) * (163_840 / 4)) / bandwidth;
    assert.ok(relativeError(r.decode.kvCache, expected) < 1e-9);
  });

  it("decodes slower with a longer context and a larger batch, as the bytes read predict", () => {
    const short = evaluateReplica(setup({ inputTokens: 1000 }), layout(64));
    const long = evaluateReplica(setup({ inputTokens: 8000 }), layout(64));
    // Context 8,000 + 250 against 1,000 + 250 tokens.
    assert.ok(relativeError(long.decode.kvCache / short.decode.kvCache, 8250 / 1250) < 1e-9);
    assert.ok(long.timePerOutputTokenSeconds > short.timePerOutputTokenSeconds);
    const small = evaluateReplica(setup(), layout(8));
    const big = evaluateReplica(setup(), layout(128));
    assert.ok(relativeError(big.decode.kvCache, 16 * small.decode.kvCache) < 1e-9);
    assert.ok(big.timePerOutputTokenSeconds > small.timePerOutputTokenSeconds);
    // The weights are read once per step whatever the batch: per-token throughput rises with it.
    assert.equal(big.decode.weights, small.decode.weights);
    assert.ok(big.decodeTokensPerSecond > 8 * small.decodeTokensPerSecond);
  });

  it("spends less energy per token as the batch grows, until the latency target binds", () => {
    const perToken = (batch: number) => 1 / evaluateReplica(setup(), layout(batch)).decodeTokensPerSecond;
    const batches = [1, 2, 4, 8, 16, 32, 64, 128];
    for (let i = 1; i < batches.length; i++) {
      assert.ok(perToken(batches[i] as number) < perToken(batches[i - 1] as number), `batch ${batches[i]}`);
    }
    // With a tight time per output token, the search stops short of the largest batch that fits.
    const tight = searchServing(setup(), { ...fleetSetup, slo: { ...fleetSetup.slo, tpotSeconds: 0.015 } });
    const loose = searchServing(setup(), fleetSetup);
    assert.ok(tight.best.replica.timePerOutputTokenSeconds <= 0.015);
    assert.ok(tight.best.fleet.gpus > loose.best.fleet.gpus);
  });

  it("speculative decoding yields (1 - a^(k+1)) / (1 - a) tokens per step", () => {
    assert.ok(relativeError(tokensPerSpeculativeStep(3, 0.7), (1 - 0.7 ** 4) / 0.3) < 1e-12);
    assert.equal(tokensPerSpeculativeStep(0, 0.7), 1);
  });
});

describe("the fleet", () => {
  it("never needs fewer GPUs for more demand", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 50_000_000 }),
        fc.integer({ min: 1_000, max: 50_000_000 }),
        (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const gpus = (users: number) =>
            searchServing(setup(), { ...fleetSetup, demand: { ...fleetSetup.demand, users } }).best.fleet
              .gpus;
          return gpus(high) >= gpus(low);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("sizes the peak at the target utilization: replicas = ceil(peak / (rate x (1 - headroom)))", () => {
    const replica = evaluateReplica(setup(), layout(64));
    const fleet = fleetFor(setup(), fleetSetup, replica);
    const peak = (1_000_000 * 10 * 2) / 86_400;
    assert.equal(fleet.replicas, Math.ceil(peak / (replica.requestsPerSecond * 0.8)));
    assert.equal(fleet.gpus, fleet.replicas * 4);
  });
});

describe("gigacluster serve", () => {
  it("prints the documented JSON fields", async () => {
    const { code, stdout: out } = await runCli("serve", "examples/serve-h100-llama-70b.yaml", "--json");
    assert.equal(code, 0);
    const json = JSON.parse(out);
    for (const path of [
      "replica.layout",
      "replica.prefillTokensPerSecond",
      "replica.decodeTokensPerSecond",
      "replica.timeToFirstTokenSeconds",
      "replica.timePerOutputTokenSeconds",
      "replica.memory.weightsBytes",
      "replica.memory.kvCacheBytes",
      "fleet.replicas",
      "fleet.gpus",
      "fleet.megawatts",
      "cost.usdPerMillionTokens",
      "energy.whPerRequest",
    ]) {
      const value = path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], json);
      assert.ok(value !== undefined && value !== null, path);
      if (typeof value === "number") assert.ok(Number.isFinite(value) && value > 0, path);
    }
  });

  it("exits 2 with the nearest achievable latencies when no replica meets the targets", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "serve-")), "fast.yaml");
    writeFileSync(
      file,
      "model: llama-3-405b\ncluster: { accelerator: h100-sxm }\nserve:\n  demand: { users: 1000, requestsPerUserPerDay: 1, inputTokens: 1000, outputTokens: 100 }\n  slo: { ttftSeconds: 0.01, tpotSeconds: 0.001 }\n",
    );
    const { code, stderr: err } = await runCli("serve", file);
    assert.equal(code, 2);
    assert.match(
      err,
      /no replica meets the service levels .* the nearest is tp \d+ x pp \d+, batch \d+: [\d.]+ s to the first token and [\d.]+ ms per output token/,
    );
  });
});
