import { writeFileSync } from "node:fs";
import type { PlotDocument } from "../charts.ts";
import { InputError } from "../errors.ts";
import type { ReportStyle } from "../report/document.ts";
import type { Scenario } from "../scenario/normalize.ts";

// What the commands share. Light on purpose: main.ts loads it for every command, even --help.

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface OutputOptions {
  json?: boolean;
  /** Wall-clock timings in the JSON (left out by default: the same seed gives the same bytes). */
  timing?: boolean;
  svg?: string;
  markdown?: boolean;
}

/** Markdown when asked; colour only on a terminal, never in JSON or Markdown, and never under NO_COLOR. */
export function styleOf(options: OutputOptions): ReportStyle {
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !options.json && !options.markdown;
  return { format: options.markdown ? "markdown" : "text", colour };
}

/**
 * A file with only a site or a budget is a build-out: the commands that train a model say so, naming
 * the file and the command that answers it, in place of a bare "model: got nothing".
 */
export function requireModel(scenario: Scenario, file: string, purpose: string): void {
  if (scenario.model) return;
  throw new InputError(
    "model",
    undefined,
    `a model to ${purpose}: ${file} has none, so it is a build-out scenario (run "gigacluster buildout ${file}" for its GPUs, racks, power and cost, or add e.g. "model: llama-3-70b" and a training section)`,
  );
}

/** A progress bar on a terminal only: never in pipes, files or JSON. */
export function progressBar(
  json: boolean | undefined,
  what = "simulating",
): ((done: number, total: number) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r  ${what} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`);
    if (done === total) process.stderr.write("\r\x1b[K");
  };
}

/** Writes a file the user named with `option`; a failure is bad input naming the option. */
export function writeUserFile(option: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new InputError(option, file, `a writable file (${(error as NodeJS.ErrnoException).code})`);
  }
}

type Charts = typeof import("../charts.ts");

/**
 * Draws a chart into `file` with Observable Plot on a linkedom document. Both load only here, when a
 * chart is asked for, so that `--help` and the reports start quickly.
 */
export async function writeSvg(
  file: string,
  draw: (charts: Charts, document: PlotDocument) => string,
): Promise<void> {
  const [{ parseHTML }, charts] = await Promise.all([import("linkedom"), import("../charts.ts")]);
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  writeUserFile("--svg", file, draw(charts, document as unknown as PlotDocument));
}
