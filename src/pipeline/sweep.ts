import { InfeasibleError, InputError } from "../errors.ts";
import { limitText, MAX_SWEEP_POINTS } from "../limits.ts";
import { normalizeScenario, type Scenario } from "../scenario/normalize.ts";
import { pathKeys } from "../scenario/paths.ts";
import { type Progress, plannerThreads, THREADED_SWEEP_POINTS, type Threads } from "../tasks.ts";
import { planScenario } from "./plan.ts";
import { serveScenario } from "./serve.ts";
import { type ServingHeadline, servingHeadline } from "./serve-headline.ts";
import { simulateScenario, withTrials } from "./simulate.ts";

// Sweeps: the same scenario with one or more fields varied over a list or a range, one plan per point
// and, with a token budget, its run with failures (a headline in days must count the failures); with
// a serve section, the serving fleet too (and only that when there is no training section).

/** Monte Carlo trials per point: enough for a P50, few enough for a sweep of hundreds of points. */
export const SWEEP_TRIALS = 200;

export interface Variation {
  /** Dotted path into the scenario file, e.g. cluster.gpus or training.sequenceLength. */
  readonly path: string;
  readonly values: readonly (number | string)[];
}

/** The serving fields (`ServingHeadline`) are present when the point's scenario has a serve section. */
export interface SweepRow extends Partial<ServingHeadline> {
  readonly values: Readonly<Record<string, number | string>>;
  /** Absent when the point could not be planned; `error` says why. */
  readonly gpus?: number;
  readonly stepSeconds?: number;
  readonly tokensPerSecond?: number;
  readonly mfu?: number;
  readonly days?: number;
  readonly gpuHours?: number;
  readonly capexUsd?: number;
  readonly usdPerGpuHour?: number;
  /** GPU-hours of uninterrupted compute at the build-out's $ per GPU-hour (the generic site's without one). */
  readonly trainingUsd?: number;
  /** The run with failures, checkpoints and restarts (P50 over the trials). */
  readonly daysWithFailures?: number;
  readonly goodput?: number;
  readonly runUsd?: number;
  readonly facilityMegawatts?: number;
  readonly error?: string;
}

/** Points of a range: doubling steps when it spans 8x or more (GPU counts), else evenly spaced. */
function rangeValues(low: number, high: number, points: number | undefined): number[] {
  const integers = Number.isInteger(low) && Number.isInteger(high);
  const round = (v: number) => (integers ? Math.round(v) : Number(v.toPrecision(6)));
  if (high === low) return [low];
  const geometric = low > 0 && high / low >= 8;
  if (points === undefined && geometric) {
    const values: number[] = [];
    for (let v = low; v < high; v *= 2) values.push(round(v));
    values.push(high);
    return values;
  }
  const n = Math.max(2, points ?? 5);
  return Array.from({ length: n }, (_, i) =>
    round(geometric ? low * (high / low) ** (i / (n - 1)) : low + ((high - low) * i) / (n - 1)),
  );
}

/** Parses `path=a,b,c`, `path=low..high` or `path=low..high:points`. */
export function parseVariation(spec: string): Variation {
  const eq = spec.indexOf("=");
  if (eq <= 0) throw new InputError("--vary", spec, "path=value,value,... or path=low..high[:points]");
  const path = spec.slice(0, eq);
  pathKeys(path, "--vary");
  const body = spec.slice(eq + 1);
  const range = /^(-?[\d.e+]+)\.\.(-?[\d.e+]+)(?::(\d+))?$/.exec(body);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
      throw new InputError(`--vary ${path}`, body, "a range low..high with low <= high");
    }
    const points = range[3] === undefined ? undefined : Number(range[3]);
    if (points !== undefined && (points < 1 || points > MAX_SWEEP_POINTS)) {
      throw new InputError(`--vary ${path}`, points, `between 1 and ${limitText(MAX_SWEEP_POINTS)} points`);
    }
    return { path, values: rangeValues(low, high, points) };
  }
  const values = body
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (values.length === 0) throw new InputError(`--vary ${path}`, body, "at least one value");
  return { path, values: values.map((v) => (v !== "" && Number.isFinite(Number(v)) ? Number(v) : v)) };
}

function withValue(scenario: unknown, path: string, value: number | string): unknown {
  const keys = pathKeys(path, "--vary");
  const copy = JSON.parse(JSON.stringify(scenario)) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    // A catalog name in place of a section (model: llama-3-8b) becomes its preset.
    if (typeof next === "string") node[key] = { preset: next };
    else if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  return copy;
}

function combinations(variations: readonly Variation[]): Record<string, number | string>[] {
  return variations.reduce<Record<string, number | string>[]>(
    (rows, variation) =>
      rows.flatMap((row) => variation.values.map((value) => ({ ...row, [variation.path]: value }))),
    [{}],
  );
}

/** A sweep's points in row order: every combination of the variations' values, within the limit. */
export function sweepPoints(variations: readonly Variation[]): Record<string, number | string>[] {
  const points = combinations(variations);
  if (points.length > MAX_SWEEP_POINTS) {
    throw new InputError(
      "--vary",
      points.length,
      `at most ${limitText(MAX_SWEEP_POINTS)} points in one sweep`,
    );
  }
  return points;
}

export function sweepScenario(
  raw: unknown,
  variations: readonly Variation[],
  onProgress?: (done: number, total: number) => void,
): SweepRow[] {
  const points = sweepPoints(variations);
  return points.map((values, index) => {
    const row = sweepPoint(raw, values);
    onProgress?.(index + 1, points.length);
    return row;
  });
}

/** `sweepScenario` with its points on `threads`: the threads asked for, or every core for 16 points or more (from 4 cores). */
export async function sweepOnThreads(
  threads: Threads,
  raw: unknown,
  variations: readonly Variation[],
  onProgress?: Progress,
): Promise<SweepRow[]> {
  const points = sweepPoints(variations);
  const count = plannerThreads(threads, points.length, THREADED_SWEEP_POINTS);
  if (count <= 1) return sweepScenario(raw, variations, onProgress);
  return threads.map(
    "sweepPoint",
    points.map((values) => ({ raw, values })),
    count,
    onProgress,
  );
}

/** The message a point's row carries for bad input or an infeasible plan; anything else is a bug. */
function pointError(error: unknown): string {
  if (error instanceof InputError || error instanceof InfeasibleError)
    return error.message.split("\n").join(" ");
  throw error;
}

/**
 * One point of a sweep: its plan and run, its serving fleet, or why they could not be had. A scenario
 * with both sides keeps the one that worked when the other fails. Each point depends only on its
 * arguments, so points can run on any thread in any order (the CLI's `sweep --workers`).
 */
export function sweepPoint(raw: unknown, values: Record<string, number | string>): SweepRow {
  const scenario = Object.entries(values).reduce((s, [path, value]) => withValue(s, path, value), raw);
  let sides: (() => Partial<SweepRow>)[];
  try {
    sides = sidesOf(normalizeScenario(scenario));
  } catch (error) {
    return { values, error: pointError(error) };
  }
  const parts = sides.map((side): Partial<SweepRow> => {
    try {
      return side();
    } catch (error) {
      return { error: pointError(error) };
    }
  });
  const errors = parts.flatMap((part) => (part.error === undefined ? [] : [part.error]));
  const fields = parts.map(({ error: _, ...part }) => part);
  return Object.assign({ values }, ...fields, errors.length > 0 ? { error: errors.join("; ") } : {});
}

/** What a point computes: its serving fleet with a serve section, and else or also its plan and run. */
function sidesOf(scenario: Scenario): (() => Partial<SweepRow>)[] {
  return [
    // Without a serve section the plan's own error (no model, no training) says what is missing.
    ...(scenario.training || !scenario.serve ? [() => trainingFields(scenario)] : []),
    ...(scenario.serve ? [() => servingHeadline(serveScenario(scenario))] : []),
  ];
}

/** The training side of a point: the plan, the run with failures and the stated build-out. */
function trainingFields(normalized: Scenario): Partial<SweepRow> {
  const result = planScenario(normalized, undefined, { bestOnly: true });
  const trials = Math.min(normalized.run.simulation.trials, SWEEP_TRIALS);
  const run = result.plan.training
    ? simulateScenario(withTrials(normalized, trials), result, undefined, { recoverySummary: false })
    : undefined;
  const plan = result.plan;
  // Without a site, the run is costed on the generic site's build-out, as the simulation costs it.
  const costed = result.buildout.result;
  const built = result.buildout.stated ? costed : undefined;
  return {
    gpus: result.scenario.gpus,
    stepSeconds: plan.step.seconds,
    tokensPerSecond: plan.throughput.tokensPerSecond,
    mfu: plan.throughput.mfu,
    ...(plan.training
      ? {
          days: plan.training.days,
          gpuHours: plan.training.gpuHours,
          trainingUsd: plan.training.gpuHours * costed.cost.usdPerGpuHour,
        }
      : {}),
    ...(run ? { daysWithFailures: run.days.p50, goodput: run.goodput.p50, runUsd: run.costUsd.p50 } : {}),
    ...(built
      ? {
          capexUsd: built.cost.capexUsd,
          usdPerGpuHour: built.cost.usdPerGpuHour,
          facilityMegawatts: built.power.facilityMegawatts,
        }
      : {}),
  };
}
