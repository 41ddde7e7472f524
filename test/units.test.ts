import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatGrouped, formatNumber, formatQuantity, formatUsd } from "../src/units.ts";

// formatGrouped writes numbers as toLocaleString("en-US") does without loading ICU's locale data; Intl
// is the oracle here.

describe("grouped numbers without Intl", () => {
  it("groups thousands and rounds half away from zero on the shortest decimal", () => {
    assert.equal(formatGrouped(1234567.891, 2), "1,234,567.89");
    assert.equal(formatGrouped(999.5), "1,000");
    assert.equal(formatGrouped(-0.5), "-1");
    assert.equal(formatGrouped(-0.4), "-0");
    // 1.005 is stored as 1.00499999999999989...; Intl, unlike toFixed, rounds the decimal 1.005 up.
    assert.equal(formatGrouped(1.005, 2), "1.01");
    assert.equal(formatGrouped(12.5, 3, true), "12.5");
    assert.equal(formatGrouped(1.5e-7, 8), "0.00000015");
    assert.equal(formatGrouped(1.2345678901234566e25), "12,345,678,901,234,566,000,000,000");
    assert.equal(formatNumber(16384), "16,384");
    assert.equal(formatUsd(310000.4), "$310,000");
    assert.equal(formatQuantity(1234.5678), "1,235");
  });

  it("matches toLocaleString('en-US') for fixed and at-most digits", () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }),
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), (v, digits) => {
        const fixed = { minimumFractionDigits: digits, maximumFractionDigits: digits };
        assert.equal(formatGrouped(v, digits), v.toLocaleString("en-US", fixed));
        assert.equal(
          formatGrouped(v, digits, true),
          v.toLocaleString("en-US", { maximumFractionDigits: digits }),
        );
      }),
      { numRuns: 20_000 },
    );
  });
});
