import { InputError } from "../errors.ts";
import { pathKeys } from "./paths.ts";

// Uncertain inputs in the scenario format: any number may be a range "low..high" (uniform) or a
// distribution { normal: [mean, sd] } / { triangular: [min, mode, max] } / { uniform: [low, high] }.
// pipeline/uncertainty.ts samples them.

export type Distribution =
  | { readonly kind: "uniform"; readonly low: number; readonly high: number; readonly integer: boolean }
  | { readonly kind: "normal"; readonly mean: number; readonly sd: number }
  | { readonly kind: "triangular"; readonly min: number; readonly mode: number; readonly max: number };

export interface UncertainInput {
  readonly path: string;
  readonly distribution: Distribution;
}

const RANGE = /^\s*(-?\d[\d.]*(?:e[+-]?\d+)?)\s*\.\.\s*(-?\d[\d.]*(?:e[+-]?\d+)?)\s*$/i;

function distributionOf(value: unknown, path: string): Distribution | undefined {
  if (typeof value === "string") {
    const match = RANGE.exec(value);
    if (!match) return undefined;
    const low = Number(match[1]);
    const high = Number(match[2]);
    if (!(low <= high)) throw new InputError(path, value, "a range low..high with low <= high");
    return {
      kind: "uniform",
      low,
      high,
      integer: Number.isInteger(low) && Number.isInteger(high) && high - low >= 1,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [kind, args] = entries[0] as [string, unknown];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "number" && Number.isFinite(a)))
    return undefined;
  const n = args as number[];
  if (kind === "uniform" && n.length === 2 && (n[0] ?? 0) <= (n[1] ?? 0)) {
    return { kind, low: n[0] ?? 0, high: n[1] ?? 0, integer: false };
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

export function findUncertain(raw: unknown, prefix = ""): UncertainInput[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  return Object.entries(raw).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const distribution = distributionOf(value, path);
    return distribution ? [{ path, distribution }] : findUncertain(value, path);
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

/** The value at cumulative probability p. */
export function quantile(distribution: Distribution, p: number): number {
  switch (distribution.kind) {
    case "uniform": {
      const v = distribution.low + p * (distribution.high - distribution.low);
      return distribution.integer ? Math.round(v) : v;
    }
    case "normal":
      return distribution.mean + distribution.sd * normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, p)));
    case "triangular": {
      const { min, mode, max } = distribution;
      if (max === min) return min;
      const split = (mode - min) / (max - min);
      return p < split
        ? min + Math.sqrt(p * (max - min) * (mode - min))
        : max - Math.sqrt((1 - p) * (max - min) * (max - mode));
    }
  }
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
