import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "../src/errors.ts";
import { analyzeUncertainty } from "../src/pipeline/uncertainty.ts";
import { findUncertain, quantile } from "../src/scenario/uncertain-values.ts";

describe("uncertain inputs", () => {
  it("finds ranges and distributions anywhere in a scenario", () => {
    const found = findUncertain({
      site: { pue: "1.1..1.4", electricityUsdPerMegawattHour: { normal: [80, 10] } },
      cluster: { gpus: "1024..4096" },
      reliability: { restartMinutes: { triangular: [3, 10, 30] } },
      model: "llama-3-8b",
      training: { sequenceLength: 8192 },
    });
    assert.deepEqual(
      found.map((f) => f.path),
      ["site.pue", "site.electricityUsdPerMegawattHour", "cluster.gpus", "reliability.restartMinutes"],
    );
    const gpus = found.find((f) => f.path === "cluster.gpus");
    assert.ok(gpus && Number.isInteger(quantile(gpus.distribution, 0.37)));
  });

  it("has the right quantiles for each distribution", () => {
    assert.equal(quantile({ kind: "uniform", low: 60, high: 90, integer: false }, 0.5), 75);
    const normal = { kind: "normal" as const, mean: 80, sd: 10 };
    assert.ok(Math.abs(quantile(normal, 0.9) - (80 + 10 * 1.2815515655)) < 1e-6);
    assert.ok(Math.abs(quantile(normal, 0.5) - 80) < 1e-9);
    const triangle = { kind: "triangular" as const, min: 0, mode: 0, max: 1 };
    // F(x) = 1 - (1 - x)^2 for a triangle with its mode at 0: the median is 1 - sqrt(0.5).
    assert.ok(Math.abs(quantile(triangle, 0.5) - (1 - Math.sqrt(0.5))) < 1e-12);
  });

  it("rejects a backwards range with the field's path", () => {
    assert.throws(
      () => findUncertain({ site: { pue: "1.4..1.1" } }),
      (e: unknown) => e instanceof InputError && e.path === "site.pue",
    );
  });

  it("ranks inputs by how far each alone moves the result, with the same numbers for the same seed", () => {
    const raw = { a: "0..10", b: "0..1" };
    const evaluate = (s: unknown) => {
      const { a, b } = s as { a: number; b: number };
      return { y: 5 * a + b };
    };
    const result = analyzeUncertainty(raw, findUncertain(raw), evaluate, { samples: 200, seed: 3 });
    assert.deepEqual(
      result.sensitivity.y?.map((s) => s.input),
      ["a", "b"],
    );
    assert.ok(Math.abs((result.sensitivity.y?.[0]?.swing ?? 0) - 5 * 8) < 1e-9);
    const again = analyzeUncertainty(raw, findUncertain(raw), evaluate, { samples: 200, seed: 3 });
    assert.deepEqual(again, result);
    const y = result.outputs.y;
    assert.ok(y && y.p10 < y.p50 && y.p50 < y.p90);
  });
});
