import type { z } from "zod";
import { InputError } from "../errors.ts";
import { limitText } from "../limits.ts";
import { fieldSchema } from "./field-meta.ts";
import { pathKeys } from "./paths.ts";

// Two syntaxes, two meanings, never mixed:
// - An uncertain value, sampled by the uncertainty analysis (pipeline/uncertainty.ts): any number
//   field may hold a range "low..high" (uniform) or a distribution { uniform: [low, high] },
//   { normal: [mean, sd] } or { triangular: [min, mode, max] }. Samples are drawn from the
//   distribution truncated to the field's bounds, and rounded where the field takes whole numbers.
// - A search range, from which the layout search picks: { min, max }, taken only by the batch fields
//   (SEARCH_RANGE_FIELDS; countOrRange in schema.ts).

/** The fields that take a search range { min, max }. */
export const SEARCH_RANGE_FIELDS: readonly string[] = [
  "training.globalBatchSequences",
  "training.globalBatchTokens",
];

/** What a { min, max } on any other number field is told (schema-issues.ts). */
export const SEARCH_RANGE_ELSEWHERE =
  `a number; { min, max } is a search range, which only ${SEARCH_RANGE_FIELDS.join(" and ")} take ` +
  "(the layout search picks from it); an uncertain value is written low..high or { uniform: [low, high] }";

/** A { min, max } object: the search-range syntax. */
export function isSearchRange(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes("min") && keys.includes("max");
}

/** The values a number field takes, from its zod schema: samples are truncated to them and rounded. */
export interface FieldBounds {
  /** Smallest and largest value (inclusive for whole numbers; ±Infinity where unbounded). */
  readonly min: number;
  readonly max: number;
  /** Bounds a value may approach but not take (z.number().positive(): 0). */
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
  readonly integer: boolean;
}

export type Distribution = (
  | { readonly kind: "uniform"; readonly low: number; readonly high: number }
  | { readonly kind: "normal"; readonly mean: number; readonly sd: number }
  | { readonly kind: "triangular"; readonly min: number; readonly mode: number; readonly max: number }
) & {
  /** The field's values: absent for a path the schema does not know (then unbounded and continuous). */
  readonly field?: FieldBounds;
};

export interface UncertainInput {
  readonly path: string;
  readonly distribution: Distribution;
}

/**
 * A distribution with less than this share of its probability inside the field's bounds is taken as
 * outside them: sampling its truncation would give only the bound (a mistake, such as minutes < 0).
 */
const MIN_PROBABILITY_INSIDE = 1e-6;

/** The bounds of a number field (or of the number option of a union), read from its zod schema. */
function fieldBounds(path: string): FieldBounds | "not a number" | undefined {
  const schema = fieldSchema(path);
  if (!schema) return undefined;
  const defOf = (s: z.ZodType) => (s as unknown as { def: { type: string; options?: z.ZodType[] } }).def;
  const isNumber = (s: z.ZodType) => defOf(s).type === "number";
  const number = (isNumber(schema) ? schema : defOf(schema).options?.find(isNumber)) as
    | z.ZodNumber
    | undefined;
  if (!number) return "not a number";
  const min = number.minValue ?? Number.NEGATIVE_INFINITY;
  const max = number.maxValue ?? Number.POSITIVE_INFINITY;
  // zod 4 gives the tightest bound but not whether it is exclusive: the schema itself says.
  const minExclusive = Number.isFinite(min) && !number.safeParse(min).success;
  const maxExclusive = Number.isFinite(max) && !number.safeParse(max).success;
  if (!number.isInt) return { min, max, minExclusive, maxExclusive, integer: false };
  return {
    min: minExclusive ? Math.floor(min) + 1 : Math.ceil(min),
    max: maxExclusive ? Math.ceil(max) - 1 : Math.floor(max),
    minExclusive: false,
    maxExclusive: false,
    integer: true,
  };
}

/** Bounds as a message writes them: "a whole number >= 1 and <= 10,000,000". */
function boundsText(field: FieldBounds): string {
  const parts = [
    Number.isFinite(field.min) ? `${field.minExclusive ? ">" : ">="} ${limitText(field.min)}` : "",
    Number.isFinite(field.max) ? `${field.maxExclusive ? "<" : "<="} ${limitText(field.max)}` : "",
  ].filter(Boolean);
  return `${field.integer ? "a whole number" : "a number"}${parts.length ? ` ${parts.join(" and ")}` : ""}`;
}

const RANGE = /^\s*(-?\d[\d.]*(?:e[+-]?\d+)?)\s*\.\.\s*(-?\d[\d.]*(?:e[+-]?\d+)?)\s*$/i;

function distributionOf(value: unknown, path: string): Distribution | undefined {
  if (typeof value === "string") {
    const match = RANGE.exec(value);
    if (!match) return undefined;
    const low = Number(match[1]);
    const high = Number(match[2]);
    if (!(low <= high)) throw new InputError(path, value, "a range low..high with low <= high");
    return { kind: "uniform", low, high };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [kind, args] = entries[0] as [string, unknown];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "number" && Number.isFinite(a)))
    return undefined;
  const n = args as number[];
  if (kind === "uniform" && n.length === 2 && (n[0] ?? 0) <= (n[1] ?? 0)) {
    return { kind, low: n[0] ?? 0, high: n[1] ?? 0 };
  }
  if (kind === "normal" && n.length === 2 && (n[1] ?? -1) >= 0)
    return { kind, mean: n[0] ?? 0, sd: n[1] ?? 0 };
  if (kind === "triangular" && n.length === 3 && (n[0] ?? 0) <= (n[1] ?? 0) && (n[1] ?? 0) <= (n[2] ?? 0)) {
    return { kind, min: n[0] ?? 0, mode: n[1] ?? 0, max: n[2] ?? 0 };
  }
  if (["uniform", "normal", "triangular"].includes(kind)) {
    throw new InputError(
      path,
      value,
      "uniform: [low, high], normal: [mean, sd >= 0] or triangular: [min, mode, max]",
    );
  }
  return undefined;
}

const outsideBounds = (field: FieldBounds | undefined) =>
  `a range or distribution with some of its probability inside the field's bounds (${field ? boundsText(field) : "none"})`;

/** A range or distribution as the user wrote it, for messages. */
function writtenAs(value: unknown): string {
  if (typeof value === "string") return value;
  const [kind, args] = Object.entries(value as object)[0] ?? [];
  return `{ ${kind}: [${(args as number[]).join(", ")}] }`;
}

/**
 * Every range and distribution in a scenario file, with its field's bounds. A distribution with
 * (practically) nothing inside its field's bounds is an InputError; on a field that is not a number
 * (a name, a flag), text such as "1..2" is not a range.
 */
export function findUncertain(raw: unknown, prefix = ""): UncertainInput[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  return Object.entries(raw).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const found = distributionOf(value, path);
    if (!found) return findUncertain(value, path);
    const field = fieldBounds(path);
    if (field === "not a number") return [];
    const distribution = field ? { ...found, field } : found;
    if (!truncation(distribution)) {
      throw new InputError(path, writtenAs(value), outsideBounds(field));
    }
    return [{ path, distribution }];
  });
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number) => k.reduce((sum, coefficient) => sum * x + coefficient, 0);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/**
 * The standard normal CDF, accurate relative to its value in the lower tail (Numerical Recipes'
 * erfc, fractional error < 1.2e-7), so that a bound far out still has a usable probability.
 */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const k = [
    0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
    1.00002368, -1.26551223,
  ];
  const tail = 0.5 * t * Math.exp(-x * x + k.reduce((sum, coefficient) => sum * t + coefficient, 0));
  return z <= 0 ? tail : 1 - tail;
}

/** Probability of a standard normal in [a, b], from the tail nearer to it (no 1 - 1 cancellation). */
function normalMass(a: number, b: number): number {
  return a > 0 ? normalCdf(-a) - normalCdf(-b) : normalCdf(b) - normalCdf(a);
}

/** The p-quantile of a standard normal truncated to [a, b]; in the upper tail by symmetry. */
function truncatedNormal(a: number, b: number, p: number): number {
  if (a > 0) return -truncatedNormal(-b, -a, 1 - p);
  const fa = normalCdf(a);
  const u = fa + p * (normalCdf(b) - fa);
  return Math.min(b, Math.max(a, normalQuantile(Math.min(1 - 1e-16, Math.max(1e-300, u)))));
}

function triangularCdf(x: number, min: number, mode: number, max: number): number {
  if (x <= min) return 0;
  if (x >= max) return 1;
  return x <= mode
    ? ((x - min) * (x - min)) / ((max - min) * (mode - min))
    : 1 - ((max - x) * (max - x)) / ((max - min) * (max - mode));
}

function triangularQuantile(p: number, min: number, mode: number, max: number): number {
  const split = (mode - min) / (max - min);
  // Each side kept to its side of the mode: max - sqrt(...) may cancel to less than a tiny mode.
  return p < split
    ? Math.min(mode, min + Math.sqrt(p * (max - min) * (mode - min)))
    : Math.max(mode, max - Math.sqrt((1 - p) * (max - min) * (max - mode)));
}

/** Where samples come from: the distribution's support within the field's (low = high: one value). */
interface Truncation {
  readonly low: number;
  readonly high: number;
}

/** The one value of a distribution without spread (sd 0, low = high), else undefined. */
function pointOf(distribution: Distribution): number | undefined {
  switch (distribution.kind) {
    case "uniform":
      return distribution.low === distribution.high ? distribution.low : undefined;
    case "normal":
      return distribution.sd === 0 ? distribution.mean : undefined;
    case "triangular":
      return distribution.min === distribution.max ? distribution.min : undefined;
  }
}

/**
 * The support a distribution is sampled over. A whole-number field's bounds reach half a unit out, so
 * that rounding gives its end values their full share; a uniform on one is a uniform over the whole
 * numbers from low to high. Undefined when (practically) none of the distribution is inside.
 */
function truncation(distribution: Distribution): Truncation | undefined {
  const field = distribution.field;
  const half = field?.integer ? 0.5 : 0;
  const fieldLow = (field?.min ?? Number.NEGATIVE_INFINITY) - half;
  const fieldHigh = (field?.max ?? Number.POSITIVE_INFINITY) + half;
  const point = pointOf(distribution);
  if (point !== undefined) {
    const value = field?.integer ? Math.round(point) : point;
    const excluded =
      (field?.minExclusive && value <= field.min) || (field?.maxExclusive && value >= field.max);
    return value < fieldLow || value > fieldHigh || excluded ? undefined : { low: value, high: value };
  }
  /** [from, to] within the field's bounds, if enough of the distribution (massOf) is there. */
  const within = (from: number, to: number, massOf: (low: number, high: number) => number) => {
    const low = Math.max(from, fieldLow);
    const high = Math.min(to, fieldHigh);
    if (!(low < high) || (field?.integer && Math.ceil(low) > Math.floor(high))) return undefined;
    return massOf(low, high) >= MIN_PROBABILITY_INSIDE ? { low, high } : undefined;
  };
  switch (distribution.kind) {
    case "uniform": {
      const low = field?.integer ? Math.ceil(distribution.low) - half : distribution.low;
      const high = field?.integer ? Math.floor(distribution.high) + half : distribution.high;
      return within(low, high, (a, b) => (b - a) / (high - low));
    }
    case "normal": {
      const { mean, sd } = distribution;
      return within(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, (a, b) =>
        normalMass((a - mean) / sd, (b - mean) / sd),
      );
    }
    case "triangular": {
      const { min, mode, max } = distribution;
      return within(min, max, (a, b) => triangularCdf(b, min, mode, max) - triangularCdf(a, min, mode, max));
    }
  }
}

/** A value the field takes: whole where it must be, inside the truncation, off an excluded bound. */
function toField(value: number, range: Truncation, field: FieldBounds | undefined): number {
  if (field?.integer) {
    return Math.min(Math.floor(range.high), Math.max(Math.ceil(range.low), Math.round(value))) + 0;
  }
  let x = Math.min(range.high, Math.max(range.low, value));
  const step = (v: number) => Math.max(Math.abs(v) * Number.EPSILON, Number.MIN_VALUE);
  if (field?.minExclusive && x <= field.min) x = field.min + step(field.min);
  if (field?.maxExclusive && x >= field.max) x = field.max - step(field.max);
  return x;
}

/**
 * The value at cumulative probability p of the distribution truncated to its field's bounds
 * (inverse CDF over [F(low), F(high)]: truncating, not clipping, which would pile mass on the bound).
 */
export function quantile(distribution: Distribution, p: number): number {
  const range = truncation(distribution);
  // findUncertain refuses these; a distribution built by hand may still be one.
  if (!range) throw new InputError("", distribution.kind, outsideBounds(distribution.field));
  const { low, high } = range;
  let value = low;
  if (high > low) {
    switch (distribution.kind) {
      case "uniform":
        value = low + p * (high - low);
        break;
      case "normal": {
        const { mean, sd } = distribution;
        value = mean + sd * truncatedNormal((low - mean) / sd, (high - mean) / sd, p);
        break;
      }
      case "triangular": {
        const { min, mode, max } = distribution;
        const from = triangularCdf(low, min, mode, max);
        const to = triangularCdf(high, min, mode, max);
        value = triangularQuantile(from + p * (to - from), min, mode, max);
        break;
      }
    }
  }
  return toField(value, range, distribution.field);
}

export function withValues(raw: unknown, values: ReadonlyMap<string, number>): unknown {
  const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  for (const [path, value] of values) {
    const keys = pathKeys(path, path);
    let node = copy;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = value;
  }
  return copy;
}
