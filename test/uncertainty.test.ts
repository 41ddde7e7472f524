import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InfeasibleError, InputError } from "../src/errors.ts";
import { analyzeUncertainty, planUncertainty } from "../src/pipeline/uncertainty.ts";
import { drawText } from "../src/report/document.ts";
import { uncertaintyReport } from "../src/report/uncertainty-report.ts";
import { normalizeScenario } from "../src/scenario/normalize.ts";
import { findUncertain, quantile } from "../src/scenario/uncertain-values.ts";

/** The one uncertain input of a scenario. */
const only = (raw: unknown) => {
  const [input] = findUncertain(raw);
  assert.ok(input);
  return input.distribution;
};

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
    assert.equal(quantile({ kind: "uniform", low: 60, high: 90 }, 0.5), 75);
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

  it("samples whole GPUs and non-negative minutes, truncating (not clipping) at the bounds", () => {
    const gpus = only({ cluster: { gpus: { normal: [4096, 10000] } } });
    const minutes = only({ reliability: { restartMinutes: { normal: [0, 10] } } });
    for (let i = 0; i < 1000; i++) {
      const p = (i + 0.5) / 1000;
      const g = quantile(gpus, p);
      assert.ok(Number.isInteger(g) && g >= 1, `gpus ${g}`);
      // Truncated, not clipped: no pile of samples on the bound.
      assert.ok(quantile(minutes, p) > 0);
    }
    // A normal at 0 truncated to >= 0 is the half-normal: its median is 10 x the normal's 75th percentile.
    assert.ok(Math.abs(quantile(minutes, 0.5) - 10 * 0.6744897502) < 1e-4);
    // The case: a normal(1, 100) restart time gives no negative minutes, and P10 > 0.
    const wide = only({ reliability: { restartMinutes: { normal: [1, 100] } } });
    assert.ok(quantile(wide, 0.001) >= 0 && quantile(wide, 0.1) > 10);
  });

  it("samples a whole-number range with every whole number equally likely", () => {
    const pp = only({ layout: { pp: "1..4" } });
    const counts = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const v = quantile(pp, (i + 0.5) / 4000);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts],
      [
        [1, 1000],
        [2, 1000],
        [3, 1000],
        [4, 1000],
      ],
    );
    // A continuous field keeps its fractions, whole-number endpoints or not.
    assert.ok(!Number.isInteger(quantile(only({ site: { pue: "1..2" } }), 0.37)));
  });

  it("refuses a distribution entirely outside its field's bounds, naming the path, value and bounds", () => {
    for (const [raw, path, value, bounds] of [
      [
        { reliability: { restartMinutes: { normal: [-100, 1] } } },
        "reliability.restartMinutes",
        "normal: [-100, 1]",
        ">= 0",
      ],
      [{ site: { pue: "3.5..4" } }, "site.pue", "3.5..4", ">= 1 and <= 3"],
      [{ cluster: { gpus: "0.2..0.8" } }, "cluster.gpus", "0.2..0.8", "a whole number >= 1"],
    ] as const) {
      assert.throws(
        () => findUncertain(raw),
        (e: unknown) =>
          e instanceof InputError &&
          e.path === path &&
          e.message.includes(value) &&
          e.message.includes(bounds),
      );
    }
  });

  it("leaves text that looks like a range alone on a field that is not a number", () => {
    assert.deepEqual(findUncertain({ name: "1..2", cluster: { stack: "1..2" } }), []);
  });

  it("reports failed samples, takes percentiles over the rest, and fails only when every sample does", () => {
    const raw = { a: "0..10" };
    const evaluate = (s: unknown) => {
      const { a } = s as { a: number };
      if (a > 7) throw new InfeasibleError(`too big: ${a.toFixed(3)}`);
      if (a < 1) throw new InputError("a", a, "at least 1");
      return { y: a };
    };
    const result = analyzeUncertainty(raw, findUncertain(raw), evaluate, { samples: 400, seed: 5 });
    const failed = result.failedSamples;
    assert.ok(failed && failed.count > 100 && failed.count < 200);
    // Grouped by wording whatever the figures, commonest first.
    assert.deepEqual(
      failed.reasons.map((r) => r.message.split(":")[0]),
      ["too big", "a"],
    );
    assert.equal(
      failed.reasons.reduce((sum, r) => sum + r.count, 0),
      failed.count,
    );
    const y = result.outputs.y;
    assert.ok(y && y.p10 >= 1 && y.p90 <= 7);
    // The P90 run (a = 9) fails: that input's swing is marked, not ranked.
    assert.match(result.inputs[0]?.swingFailed ?? "", /too big/);
    assert.deepEqual(result.sensitivity.y, []);
    const text = drawText(uncertaintyReport(result));
    assert.match(text, new RegExp(`${failed.count} of 400 samples failed: too big: [\\d.]+ \\(\\d+\\)`));
    assert.match(text, /a: no P10 -> P90 swing/);
    assert.throws(
      () =>
        analyzeUncertainty(
          raw,
          findUncertain(raw),
          () => {
            throw new InfeasibleError("never fits");
          },
          { samples: 10, seed: 1 },
        ),
      (e: unknown) => e instanceof InfeasibleError && /all 10 .*samples failed: never fits/.test(e.message),
    );
    // A bug is not a failed sample.
    assert.throws(
      () =>
        analyzeUncertainty(
          raw,
          findUncertain(raw),
          () => {
            throw new TypeError("bug");
          },
          { samples: 3, seed: 1 },
        ),
      TypeError,
    );
  });

  it("caps the samples", () => {
    const raw = { a: "0..1" };
    assert.throws(
      () => analyzeUncertainty(raw, findUncertain(raw), () => ({}), { samples: 1e9, seed: 1 }),
      (e: unknown) => e instanceof InputError && e.path === "uncertainty.samples",
    );
  });

  it("survives samples a plan cannot use, as a whole scenario", () => {
    // Only 512 GPUs fit the pinned layout: the other samples fail, and are reported as such.
    const raw = {
      model: "llama-3-8b",
      training: { sequenceLength: 4096, globalBatchSequences: 512, tokens: 1e11 },
      cluster: { accelerator: "h100-sxm", gpus: "510..514" },
      layout: { tp: 8, dp: 64 },
    };
    const result = planUncertainty(raw, findUncertain(raw), { samples: 6, seed: 2 });
    assert.ok((result.failedSamples?.count ?? 0) > 0 && (result.failedSamples?.count ?? 0) < 6);
    assert.match(result.failedSamples?.reasons[0]?.message ?? "", /cluster has \d+ GPUs/);
  });

  it("tells a search range from an uncertain value, whichever is written where", () => {
    assert.throws(
      () =>
        normalizeScenario({
          model: "llama-3-8b",
          training: { sequenceLength: 4096, globalBatchSequences: 512 },
          cluster: { accelerator: "h100-sxm", gpus: { min: 1, max: 5 } },
        }),
      (e: unknown) =>
        e instanceof InputError &&
        e.path === "cluster.gpus" &&
        /search range.*training\.globalBatchSequences.*low\.\.high or \{ uniform: \[low, high\] \}/.test(
          e.message,
        ),
    );
    const raw = { training: { globalBatchSequences: "256..1024" } };
    const result = analyzeUncertainty(raw, findUncertain(raw), () => ({ y: 1 }), { samples: 2, seed: 1 });
    assert.match(
      drawText(uncertaintyReport(result)),
      /globalBatchSequences is sampled as an uncertain value; \{ min, max \} would let the layout search pick/,
    );
  });
});
