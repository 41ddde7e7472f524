import type { z } from "zod";
import { nearestName } from "../catalog/lookup.ts";
import { InputError } from "../errors.ts";
import { limitText } from "../limits.ts";
import { isSearchRange, SEARCH_RANGE_ELSEWHERE } from "./uncertain-values.ts";

// Turns a schema validation failure into one message that names the field, the value and what was expected.

function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") return "a whole number";
      if (issue.expected === "number") return "a number";
      if (issue.expected === "string") return "a name (text)";
      if (issue.expected === "object") return "a section with fields";
      if (issue.expected === "array") return "a list";
      return `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "too_small":
      return issue.minimum === 0 && !issue.inclusive
        ? "a positive number"
        : `at least ${limitText(Number(issue.minimum))}`;
    case "too_big":
      // The same figure as limits.ts and every other message quote: 10,000,000.
      return `at most ${limitText(Number(issue.maximum))}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      return "a catalog name or a section with fields";
    default:
      return issue.message;
  }
}

export function toInputError(
  error: z.ZodError,
  knownKeysAt: (path: string) => readonly string[],
): InputError {
  // A misspelt field also shows up as a missing one: report the misspelling first.
  const issue = error.issues.find((i) => i.code === "unrecognized_keys") ?? error.issues[0];
  if (!issue) return new InputError("", undefined, "a valid scenario");
  // A union that failed on an object: report the object branch's own first problem.
  if (issue.code === "invalid_union" && typeof issue.input === "object" && issue.input !== null) {
    // The branch that got furthest into the object (deepest error path) is the one the user meant.
    const depth = (errors: readonly z.core.$ZodIssue[]) => Math.max(...errors.map((e) => e.path.length));
    const branch = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
    const inner = branch?.[0];
    if (inner) {
      const path = pathOf([...issue.path, ...inner.path]);
      return describe(inner, path, knownKeysAt);
    }
  }
  return describe(issue, pathOf(issue.path), knownKeysAt);
}

function describe(
  issue: z.core.$ZodIssue,
  path: string,
  knownKeysAt: (path: string) => readonly string[],
): InputError {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const known = knownKeysAt(path);
    const fieldPath = path ? `${path}.${key}` : key;
    return new InputError(fieldPath, key, `a known field (${known.join(", ")})`, nearestName(key, known));
  }
  const value = "input" in issue ? issue.input : undefined;
  if (issue.code === "invalid_type" && isSearchRange(value)) {
    return new InputError(path, value, SEARCH_RANGE_ELSEWHERE);
  }
  return new InputError(path, value, expectedOf(issue));
}
