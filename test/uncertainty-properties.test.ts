import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { InputError } from "../src/errors.ts";
import { analyzeUncertainty } from "../src/pipeline/uncertainty.ts";
import { fieldSchema } from "../src/scenario/field-meta.ts";
import { findUncertain, quantile } from "../src/scenario/uncertain-values.ts";

// Random ranges and distributions on fields of every kind of bound: whatever is drawn or reported is
// a value the field's own schema accepts, and a truncated distribution never leaves its support.

/** Whole and fractional fields; open and closed, one-sided and two-sided bounds; unions with a number. */
const PATHS = [
  "cluster.gpus",
  "reliability.restartMinutes",
  "reliability.stragglerSlowdown",
  "simulation.trials",
  "simulation.seed",
  "site.pue",
  "site.utilization",
  "checkpoint.interval",
  "layout.pp",
  "model.moe.denseLayers",
  "training.globalBatchSequences",
  "budget.usd",
] as const;

/** Numbers from 1e-3 to 1e7 in size, either sign, and the bounds themselves. */
const number = fc.oneof(
  fc
    .tuple(fc.integer({ min: -3, max: 7 }), fc.double({ min: -1, max: 1, noNaN: true }))
    .map(([exponent, scale]) => scale * 10 ** exponent),
  fc.constantFrom(0, 0.9, 1, 3, 10_000_000, 1e9),
);

/** A value as a scenario file writes it, and the interval a truncation of it must stay in. */
const written: fc.Arbitrary<{ value: unknown; low: number; high: number }> = fc.oneof(
  fc.tuple(number, number).map(([a, b]) => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    return { value: `${low}..${high}`, low, high };
  }),
  fc.tuple(number, number).map(([a, b]) => {
    const [low, high] = a <= b ? [a, b] : [b, a];
    return { value: { uniform: [low, high] }, low, high };
  }),
  fc.tuple(number, number).map(([mean, sd]) => ({
    value: { normal: [mean, Math.abs(sd)] },
    low: Number.NEGATIVE_INFINITY,
    high: Number.POSITIVE_INFINITY,
  })),
  fc.tuple(number, number, number).map((three) => {
    const [min, mode, max] = [...three].sort((x, y) => x - y) as [number, number, number];
    return { value: { triangular: [min, mode, max] }, low: min, high: max };
  }),
);

/** A scenario fragment holding `value` at a dotted path. */
function at(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function valueAt(scenario: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], scenario);
}

function assertValid(path: string, value: unknown, low: number, high: number) {
  const schema = fieldSchema(path);
  assert.ok(schema, path);
  assert.ok(schema.safeParse(value).success, `${path}: ${String(value)} is not a valid value`);
  // Whole-number fields round: a point between two whole numbers may go half a unit out.
  assert.ok(
    typeof value === "number" && value >= low - 0.5 && value <= high + 0.5,
    `${value} out of support`,
  );
}

describe("uncertain values (properties)", () => {
  it("every quantile is a valid value of its field, inside the distribution's support, rising with p", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PATHS),
        written,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (path, { value, low, high }, ps) => {
          let found: ReturnType<typeof findUncertain>;
          try {
            found = findUncertain(at(path, value));
          } catch (error) {
            // Only a distribution with nothing inside the field's bounds is refused, by its path.
            assert.ok(error instanceof InputError && error.path === path, String(error));
            assert.match(error.message, /inside the field's bounds/);
            return;
          }
          assert.equal(found.length, 1);
          const distribution = found[0]?.distribution;
          assert.ok(distribution);
          const sorted = [0, 0.1, 0.5, 0.9, 1, ...ps].sort((a, b) => a - b);
          const values = sorted.map((p) => quantile(distribution, p));
          for (const v of values) assertValid(path, v, low, high);
          // Rising, to the precision of the normal's approximations: 1e-9 of the distribution's
          // scale (mean + sd z cancels near zero, so a value's own size is not the scale).
          const scale = Math.max(1, ...values.map(Math.abs));
          for (let i = 1; i < values.length; i++) {
            const [before, after] = [values[i - 1] ?? 0, values[i] ?? 0];
            assert.ok(after >= before - 1e-9 * scale, `${before} then ${after}`);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("every sample the analysis runs, and every input quantile it reports, is valid for its field", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), written, fc.integer(), (path, { value, low, high }, seed) => {
        const raw = at(path, value);
        let inputs: ReturnType<typeof findUncertain>;
        try {
          inputs = findUncertain(raw);
        } catch {
          return; // refused above
        }
        const result = analyzeUncertainty(
          raw,
          inputs,
          (scenario) => {
            const sampled = valueAt(scenario, path);
            assertValid(path, sampled, low, high);
            return { y: sampled as number };
          },
          { samples: 8, seed },
        );
        for (const input of result.inputs) {
          for (const q of [input.p10, input.p50, input.p90]) assertValid(path, q, low, high);
        }
      }),
      { numRuns: 300 },
    );
  });
});
