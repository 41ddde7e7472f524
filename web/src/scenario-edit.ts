import { parse, stringify } from "yaml";
import { pathKeys, SITES } from "../../src/index.ts";

// The page edits the scenario file itself, field by field, so a download is exactly what the CLI
// reads and fields the form does not show survive a round trip.

export type RawScenario = Record<string, unknown>;

/** Sections that take a catalog or preset name in place of an object (`model: llama-3-70b`). */
const NAMED_SECTIONS = new Set(["model", "site", "reliability", "checkpoint", "training"]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parsed text (a file, the YAML view, the URL) as a scenario: a mapping of sections, or an error. */
export function asScenario(value: unknown): RawScenario {
  if (!isObject(value)) {
    throw new Error(
      "expected a scenario: a YAML or JSON mapping of sections (model, training, cluster, ...)",
    );
  }
  return value;
}

/** The value at a dotted path; a section given by name answers its `preset`. */
export function valueAt(raw: RawScenario, path: string): unknown {
  let node: unknown = raw;
  for (const key of pathKeys(path, path)) {
    if (typeof node === "string" && key === "preset") return node;
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function pruned(node: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(node)) {
    if (!isObject(value)) continue;
    pruned(value);
    if (Object.keys(value).length === 0) delete node[key];
  }
}

/** A copy with the value at `path` set (or removed when undefined), in the file's shortest form. */
export function withValueAt(raw: RawScenario, path: string, value: unknown): RawScenario {
  const copy = structuredClone(raw);
  const keys = pathKeys(path, path);
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === "string" && NAMED_SECTIONS.has(key)) node[key] = { preset: next };
    else if (!isObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  pruned(copy);
  for (const section of NAMED_SECTIONS) {
    const value = copy[section];
    if (isObject(value) && Object.keys(value).length === 1 && typeof value.preset === "string") {
      copy[section] = value.preset;
    }
  }
  if (copy.layout === "auto") delete copy.layout;
  return copy;
}

/**
 * A field's text as a scenario value: numbers, booleans, ranges (`60..90`, which stay strings for the
 * uncertainty analysis) and flow-style objects (`{ triangular: [3, 10, 30] }`) read as YAML does.
 * Text that is not valid YAML goes in as typed, for the scenario's own check to name.
 */
export function valueOfText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  try {
    const value: unknown = parse(trimmed);
    return value ?? trimmed;
  } catch {
    return trimmed;
  }
}

/** What a field shows for a scenario value. */
export function textOfValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") {
    // 15e12 reads better than 15000000000000.
    return Math.abs(value) >= 1e9 && Number.isInteger(value)
      ? value.toExponential().replace("e+", "e")
      : String(value);
  }
  if (typeof value === "object") return stringify(value, { collectionStyle: "flow" }).trim();
  return String(value);
}

/**
 * Choosing a section's preset loads it: the section becomes the preset alone (its overrides go), and a
 * site that brings its own accelerator or size decides them in place of the cluster section.
 */
export function withPresetChosen(raw: RawScenario, section: string, name: string | undefined): RawScenario {
  if (name === undefined) return withValueAt(raw, `${section}.preset`, undefined);
  let next = withValueAt(raw, section, name);
  const site = section === "site" ? SITES.find((s) => s.name === name) : undefined;
  if (site?.accelerator !== undefined) next = withValueAt(next, "cluster.accelerator", undefined);
  if (site?.gpus !== undefined || site?.powerMegawatts !== undefined) {
    next = withValueAt(next, "cluster.gpus", undefined);
  }
  return next;
}

/** Fields that size the cluster by money or power: giving one lets it decide the GPU count. */
const SIZING_FIELDS = new Set(["budget.usd", "budget.megawatts"]);

/**
 * A form field's new value: a preset loads its section; a budget or power envelope sizes the cluster
 * (the GPU count goes, or it would win over the budget); any other field is set as typed.
 */
export function withFieldValue(raw: RawScenario, path: string, value: unknown): RawScenario {
  if (path.endsWith(".preset")) {
    return withPresetChosen(raw, path.split(".")[0] as string, value as string | undefined);
  }
  const next = withValueAt(raw, path, value);
  return SIZING_FIELDS.has(path) && value !== undefined ? withValueAt(next, "cluster.gpus", undefined) : next;
}
