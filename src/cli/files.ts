import { closeSync, openSync, readSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "../errors.ts";
import { limitText, MAX_SCENARIO_BYTES } from "../limits.ts";
import { parseScenarioText } from "../scenario/normalize.ts";

// Files the CLI reads: scenario files, the stack files they name, and runs files for calibrate.

/** Reads at most MAX_SCENARIO_BYTES (a device or a pipe that never ends is cut off there and refused). */
export function readTextFile(file: string, what = "scenario file"): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    // Not zero-filled: only the bytes read are decoded (zeroing 4 MiB cost more than reading a scenario).
    const buffer = Buffer.allocUnsafe(MAX_SCENARIO_BYTES + 1);
    let length = 0;
    for (let read = 1; read > 0 && length < buffer.length; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_SCENARIO_BYTES) {
      throw new InputError("FILE", file, `a ${what} of at most ${limitText(MAX_SCENARIO_BYTES)} bytes`);
    }
    return buffer.toString("utf8", 0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      "FILE",
      file,
      code === "ENOENT" ? `an existing ${what}` : `a readable file (${code})`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `cluster.stack` naming a file rather than a catalog stack: a path, or a name ending in .yaml/.json. */
function isStackPath(value: unknown): value is string {
  return typeof value === "string" && (/^\.{0,2}\//.test(value) || /\.(ya?ml|json)$/i.test(value));
}

/**
 * A scenario file parsed, with a stack file it names (`cluster.stack: ./my-stack.yaml`, relative to
 * the scenario file) read and inlined as the stack section.
 */
export function readScenario(file: string): unknown {
  const raw = parseScenarioText(readTextFile(file));
  const cluster = (raw as { cluster?: unknown }).cluster;
  if (typeof cluster !== "object" || cluster === null) return raw;
  const stack = (cluster as { stack?: unknown }).stack;
  if (!isStackPath(stack)) return raw;
  const path = resolve(dirname(file), stack);
  let section: unknown;
  try {
    section = parseScenarioText(readTextFile(path, "stack file"));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const expected =
      error.path === ""
        ? `a stack file of YAML or JSON fields (${error.expected})`
        : `${error.expected} at ${path}`;
    throw new InputError("cluster.stack", stack, expected);
  }
  return { ...(raw as object), cluster: { ...cluster, stack: section } };
}
