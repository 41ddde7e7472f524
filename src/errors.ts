// User-facing errors carry the field path, the value, and what was expected, so the CLI can print
// them without a stack trace. Exit codes follow the CLI contract: 1 bad input, 2 infeasible.

export class InputError extends Error {
  readonly path: string;
  readonly value: unknown;
  readonly expected: string;
  readonly suggestion: string | undefined;

  constructor(path: string, value: unknown, expected: string, suggestion?: string) {
    const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
    super(`${path || "(scenario)"}: got ${describeValue(value)}, expected ${expected}${hint}`);
    this.name = "InputError";
    this.path = path;
    this.value = value;
    this.expected = expected;
    this.suggestion = suggestion;
  }
}

/** A layout or plan that is well-formed but cannot run (does not fit, constraint violated). */
export class InfeasibleError extends Error {
  /** The closest thing to an answer (the smallest-footprint layout's whole plan), for a report to show why. */
  readonly closest: unknown;

  constructor(message: string, closest?: unknown) {
    super(message);
    this.name = "InfeasibleError";
    this.closest = closest;
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return "an object";
}
