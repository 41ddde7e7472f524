import Papa from "papaparse";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { InputError } from "../errors.ts";
import { MAX_UNCERTAINTY_SAMPLES } from "../limits.ts";
import { pathKeys } from "../scenario/paths.ts";
import { GiB } from "../units.ts";

// A file of measured jobs for `gigacluster calibrate`: a YAML/JSON list of scenarios, each with a
// `measured` section, or a CSV whose columns are the same dotted paths (model, layout.tp,
// measured.stepSeconds, ...). Parsed here into raw scenarios and measurements; normalizing them is
// the scenario module's job.

/** What was measured of one job. One of the time fields, or `oom: true`, is required. */
export const measuredSchema = z
  .strictObject({
    stepSeconds: z.number().positive().max(1e6).optional(),
    /** The whole job's tokens per second. */
    tokensPerSecond: z.number().positive().max(1e12).optional(),
    tokensPerSecondPerGpu: z.number().positive().max(1e9).optional(),
    peakMemoryGiB: z.number().positive().max(100_000).optional(),
    oom: z.boolean().optional(),
  })
  .refine(
    (m) =>
      m.oom === true ||
      m.stepSeconds !== undefined ||
      m.tokensPerSecond !== undefined ||
      m.tokensPerSecondPerGpu !== undefined,
    { message: "one of stepSeconds, tokensPerSecond or tokensPerSecondPerGpu (or oom: true)" },
  );

export type Measured = z.output<typeof measuredSchema>;

export interface RawMeasuredRun {
  /** The run's name in messages and reports: its `name`, or where it sits in the file. */
  readonly id: string;
  /** Prefix of every field path in this run's messages (`runs[3]`, `row 4`). */
  readonly where: string;
  readonly scenario: Record<string, unknown>;
  readonly measured: Measured;
  readonly peakMemoryBytes?: number;
}

/** Runs in one file, at most this many (each is planned dozens of times by the fit). */
export const MAX_MEASURED_RUNS = MAX_UNCERTAINTY_SAMPLES;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function measuredOf(value: unknown, where: string): Measured {
  if (!isRecord(value)) {
    throw new InputError(
      `${where}.measured`,
      value,
      "a measured section: stepSeconds or tokensPerSecond, ...",
    );
  }
  const parsed = measuredSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  const path = key === undefined ? `${where}.measured` : `${where}.measured.${String(key)}`;
  const got = key === undefined ? value : value[String(key)];
  throw new InputError(
    path,
    got,
    issue?.code === "custom" ? issue.message : (issue?.message ?? "a measurement"),
  );
}

function runOf(entry: unknown, where: string): RawMeasuredRun {
  if (!isRecord(entry)) throw new InputError(where, entry, "a scenario with a measured section");
  const { measured, ...scenario } = entry;
  if (measured === undefined) {
    throw new InputError(
      `${where}.measured`,
      undefined,
      "a measured section: stepSeconds or tokensPerSecond, ...",
    );
  }
  const values = measuredOf(measured, where);
  const name = typeof scenario.name === "string" && scenario.name !== "" ? scenario.name : where;
  return {
    id: name,
    where,
    scenario,
    measured: values,
    ...(values.peakMemoryGiB !== undefined ? { peakMemoryBytes: values.peakMemoryGiB * GiB } : {}),
  };
}

function checkCount(count: number): void {
  if (count === 0) throw new InputError("runs", 0, "at least one measured run");
  if (count > MAX_MEASURED_RUNS)
    throw new InputError("runs", count, `at most ${MAX_MEASURED_RUNS} runs per file`);
}

/** A YAML or JSON list of runs (or `{ runs: [...] }`). */
export function parseRunsYaml(text: string): RawMeasuredRun[] {
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100, prettyErrors: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError("runs", "unparseable text", `valid YAML or JSON (${message})`);
  }
  const list = isRecord(value) && Array.isArray(value.runs) ? value.runs : value;
  if (!Array.isArray(list))
    throw new InputError("runs", value, "a list of scenarios, each with a measured section");
  checkCount(list.length);
  return list.map((entry, index) => runOf(entry, `runs[${index}]`));
}

/** A cell as the value it spells: a number, true/false, or text; empty cells are left out. */
function cellValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  const number = Number(trimmed);
  return Number.isFinite(number) && /^[-+.\d]/.test(trimmed) ? number : trimmed;
}

function setPath(
  target: Record<string, unknown>,
  keys: readonly string[],
  value: unknown,
  where: string,
): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (!isRecord(next))
      throw new InputError(where, keys.join("."), "columns that do not set a field and its sections both");
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** A CSV with a header row of dotted paths; row numbers in messages count the header as row 1. */
export function parseRunsCsv(text: string): RawMeasuredRun[] {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  const first = parsed.errors[0];
  if (first) throw new InputError(`row ${(first.row ?? 0) + 1}`, first.code, `valid CSV (${first.message})`);
  const [header, ...rows] = parsed.data;
  if (!header || header.length === 0) throw new InputError("runs", "", "a header row of dotted field paths");
  const columns = header.map((name, index) => pathKeys(name.trim(), `column ${index + 1}`));
  if (!columns.some((keys) => keys[0] === "measured")) {
    throw new InputError(
      "columns",
      header.join(","),
      "a measured.stepSeconds or measured.tokensPerSecond column",
    );
  }
  checkCount(rows.length);
  return rows.map((row, index) => {
    const where = `row ${index + 2}`;
    if (row.length !== header.length) {
      throw new InputError(where, `${row.length} cells`, `${header.length} cells, one per column`);
    }
    const entry: Record<string, unknown> = {};
    row.forEach((cell, column) => {
      const value = cellValue(cell);
      if (value !== undefined) setPath(entry, columns[column] as string[], value, where);
    });
    return runOf(entry, where);
  });
}

/** CSV when the file name or the first line says so; YAML/JSON otherwise. */
export function parseRunsText(text: string, fileName = ""): RawMeasuredRun[] {
  if (text.trim() === "") throw new InputError("runs", "", "a list of measured runs");
  const firstLine = text.trimStart().split("\n")[0] ?? "";
  const csv =
    /\.csv$/i.test(fileName) ||
    (!/\.(ya?ml|json)$/i.test(fileName) && /^[\w.]+(,[\w.]+)+\s*$/.test(firstLine));
  return csv ? parseRunsCsv(text) : parseRunsYaml(text);
}
