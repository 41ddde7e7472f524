import { readFileSync, writeFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import type { PlotDocument } from "../charts.ts";
import {
  accuracyByStack,
  buildoutJson,
  buildoutReport,
  buildoutScenario,
  CATALOG_SECTIONS,
  type CatalogSection,
  calibrateFiles,
  calibrationHalfSplit,
  calibrationJson,
  calibrationReport,
  catalogListing,
  catalogReport,
  compareReport,
  drawText,
  evaluateAccuracy,
  evaluateInferenceAccuracy,
  InfeasibleError,
  InputError,
  infeasiblePlanJson,
  nearestName,
  parseVariation,
  planJson,
  planReport,
  planScenario,
  type ReportStyle,
  type Scenario,
  type ScenarioSummary,
  safeText,
  scenarioAtMedians,
  scenarioJsonSchema,
  searchJson,
  searchReport,
  serveJson,
  serveReport,
  serveScenario,
  simulateScenario,
  simulationJson,
  simulationReport,
  stackFileYaml,
  summarizeScenario,
  sweepCsv,
  sweepReport,
  sweepScenario,
  toJson,
  traceScenarioTrial,
  uncertaintyOf,
  uncertaintyReport,
  validationJson,
  validationReport,
} from "../index.ts";
import { readScenario, readTextFile } from "./files.ts";

// Exit codes: 0 ok, 1 bad input, 2 infeasible (the layout cannot run or does not fit), 3 internal error.

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** The installed package's version (package.json sits two folders up from src/cli and dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * A file with only a site or a budget is a build-out: the commands that train a model say so, naming
 * the file and the command that answers it, in place of a bare "model: got nothing".
 */
function requireModel(scenario: Scenario, file: string, purpose: string): void {
  if (scenario.model) return;
  throw new InputError(
    "model",
    undefined,
    `a model to ${purpose}: ${file} has none, so it is a build-out scenario (run "gigacluster buildout ${file}" for its GPUs, racks, power and cost, or add e.g. "model: llama-3-70b" and a training section)`,
  );
}

/** A progress bar on a terminal only: never in pipes, files or JSON. */
function progressBar(
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

type Charts = typeof import("../charts.ts");

/**
 * Draws a chart into `file` with Observable Plot on a linkedom document. Both load only here, when a
 * chart is asked for, so that `--help` and the reports start quickly.
 */
async function writeSvg(
  file: string,
  draw: (charts: Charts, document: PlotDocument) => string,
): Promise<void> {
  const [{ parseHTML }, charts] = await Promise.all([import("linkedom"), import("../charts.ts")]);
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const svg = draw(charts, document as unknown as PlotDocument);
  try {
    writeFileSync(file, svg);
  } catch (error) {
    throw new InputError("--svg", file, `a writable file (${(error as NodeJS.ErrnoException).code})`);
  }
}

interface OutputOptions {
  json?: boolean;
  /** Wall-clock timings in the JSON (left out by default: the same seed gives the same bytes). */
  timing?: boolean;
  svg?: string;
  markdown?: boolean;
}

/** Markdown when asked; colour only on a terminal, never in JSON or Markdown, and never under NO_COLOR. */
function styleOf(options: OutputOptions): ReportStyle {
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !options.json && !options.markdown;
  return { format: options.markdown ? "markdown" : "text", colour };
}

async function runPlan(file: string, options: OutputOptions, io: Io): Promise<number> {
  // Parsed once: planned at the medians of any ranges, and sampled over them below.
  const raw = readScenario(file);
  const scenario = scenarioAtMedians(raw);
  requireModel(scenario, file, "plan");
  let result: ReturnType<typeof planScenario>;
  try {
    result = planScenario(scenario);
  } catch (error) {
    // A layout that does not fit still shows its whole plan in JSON, so a user can see why.
    if (options.json && error instanceof InfeasibleError && error.closest) {
      io.out(toJson(infeasiblePlanJson(scenario.name, error.closest as object, error.message)));
    }
    throw error;
  }
  // With a token budget, the run over time (failures and restarts) joins the report.
  const run = result.plan.training
    ? simulateScenario(scenario, result, progressBar(options.json))
    : undefined;
  if (options.svg) await writeSvg(options.svg, (c, document) => c.planChartSvg(result.plan, document));
  const uncertainty = uncertaintyOf(raw);
  if (options.json) io.out(toJson(planJson(result, run, uncertainty, options)));
  else {
    const sections = [
      ...planReport(result, run).sections,
      ...(uncertainty ? uncertaintyReport(uncertainty).sections : []),
    ];
    io.out(drawText({ sections }, styleOf(options)));
  }
  return 0;
}

async function runSimulate(
  file: string,
  options: OutputOptions & { timelineSvg?: string },
  io: Io,
): Promise<number> {
  const scenario = scenarioAtMedians(readScenario(file));
  requireModel(scenario, file, "simulate a training run of");
  const result = planScenario(scenario);
  const run = simulateScenario(scenario, result, progressBar(options.json));
  if (options.svg) await writeSvg(options.svg, (c, document) => c.runChartSvg(run, document));
  if (options.timelineSvg) {
    // Trial 0 of the same Monte Carlo, traced: one of the trials the report summarizes.
    const timeline = traceScenarioTrial(scenario, result);
    const { runTimelineSvg } = await import("../charts.ts");
    try {
      writeFileSync(options.timelineSvg, runTimelineSvg(timeline, { title: scenario.name }));
    } catch (error) {
      throw new InputError(
        "--timeline-svg",
        options.timelineSvg,
        `a writable file (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }
  const sections = [{ title: scenario.name }, ...simulationReport(run).sections];
  io.out(options.json ? toJson(simulationJson(run, options)) : drawText({ sections }, styleOf(options)));
  return 0;
}

async function runBuildout(file: string, options: OutputOptions, io: Io): Promise<number> {
  const scenario = scenarioAtMedians(readScenario(file));
  const report = buildoutScenario(scenario.facility);
  if (options.svg) await writeSvg(options.svg, (c) => c.buildoutPictureSvg(report));
  io.out(options.json ? toJson(buildoutJson(report)) : drawText(buildoutReport(report), styleOf(options)));
  return 0;
}

async function runSweep(
  file: string,
  options: OutputOptions & { vary: string[]; csv?: boolean },
  io: Io,
): Promise<number> {
  if (options.vary.length === 0)
    throw new InputError("--vary", undefined, "at least one path=values, e.g. cluster.gpus=1024..200000");
  const raw = readScenario(file);
  const variations = options.vary.map(parseVariation);
  const rows = sweepScenario(raw, variations, progressBar(options.json || options.csv, "sweeping"));
  if (options.svg) await writeSvg(options.svg, (c, document) => c.sweepChartSvg(rows, variations, document));
  if (options.json) io.out(toJson({ variations, rows }));
  else if (options.csv) io.out(sweepCsv(rows, variations));
  else io.out(drawText(sweepReport(rows, variations), styleOf(options)));
  return rows.every((row) => row.error !== undefined) ? 2 : 0;
}

function runCompare(first: string, second: string, options: OutputOptions, io: Io): number {
  const summaries = [first, second].map((file) => summarizeScenario(scenarioAtMedians(readScenario(file))));
  const [a, b] = summaries as [ScenarioSummary, ScenarioSummary];
  io.out(options.json ? toJson({ a, b }) : drawText(compareReport(a, b), styleOf(options)));
  return 0;
}

interface CalibrateOptions extends OutputOptions {
  base?: string;
  out?: string;
  name?: string;
  folds?: string;
}

function runCalibrate(files: readonly string[], options: CalibrateOptions, io: Io): number {
  const folds = options.folds === undefined ? 5 : Number(options.folds);
  if (!Number.isInteger(folds) || folds < 2 || folds > 20) {
    throw new InputError("--folds", options.folds, "a whole number from 2 to 20");
  }
  const inputs = files.map((name) => ({ name, text: readTextFile(name, "runs file") }));
  const progress = progressBar(options.json, "calibrating");
  const result = calibrateFiles(inputs, {
    date: new Date().toISOString().slice(0, 10),
    folds,
    ...(options.base ? { base: options.base } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(progress ? { onProgress: (fraction: number) => progress(Math.round(fraction * 100), 100) } : {}),
  });
  if (options.out) {
    try {
      writeFileSync(options.out, stackFileYaml(result.section));
    } catch (error) {
      throw new InputError(
        "--out",
        options.out,
        `a writable file (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }
  if (options.json) io.out(toJson(calibrationJson(result)));
  else {
    const written = options.out
      ? [`Stack file written to ${options.out}: use it with cluster.stack: ${options.out}`]
      : [];
    const report = calibrationReport(result);
    io.out(
      drawText(
        { sections: [...report.sections, ...(written.length ? [{ lines: written }] : [])] },
        styleOf(options),
      ),
    );
  }
  return 0;
}

function catalogSection(name: string): CatalogSection {
  const found = CATALOG_SECTIONS.find((section) => section === name);
  if (found) return found;
  throw new InputError(
    "section",
    name,
    `one of ${CATALOG_SECTIONS.join(", ")}`,
    nearestName(name, CATALOG_SECTIONS),
  );
}

function runValidate(options: OutputOptions, io: Io): number {
  const summary = evaluateAccuracy();
  const byStack = accuracyByStack(summary);
  const halfSplit = calibrationHalfSplit();
  const serving = evaluateInferenceAccuracy();
  io.out(
    options.json
      ? toJson(validationJson(summary, byStack, halfSplit, serving))
      : drawText(validationReport(summary, byStack, halfSplit, serving), styleOf(options)),
  );
  return 0;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function main(argv: readonly string[], given: Io = processIo): Promise<number> {
  // Messages quote what the user typed: escaped, so a name cannot drive the terminal of any caller.
  const io: Io = { out: given.out, err: (text) => given.err(safeText(text)) };
  let exitCode = 0;
  const program = new Command()
    .name("gigacluster")
    .description("Plan, validate and explain AI training clusters")
    .version(packageVersion(), "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program
    .command("plan")
    .description("memory, step time, MFU and time to train of a scenario's model on its cluster")
    .argument("<file>", "scenario file (YAML or JSON)")
    .option("--json", "print one JSON object")
    .option("--timing", "add the wall-clock time of the search and the simulation to the JSON")
    .option("--svg <file>", "also draw the step-time and memory breakdowns")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions) => {
      exitCode = await runPlan(file, options, io);
    });
  program
    .command("buildout")
    .description("what a site, a budget or a power envelope holds: GPUs, racks, fabric, power and cost")
    .argument("<file>", "scenario file (YAML or JSON) with a site or a budget")
    .option("--json", "print one JSON object")
    .option("--svg <file>", "also draw the build-out: the racks, the fabric's tiers and the power")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions) => {
      exitCode = await runBuildout(file, options, io);
    });
  program
    .command("simulate")
    .description("the training run over time: failures, checkpoints, restarts, goodput, P10/P50/P90")
    .argument("<file>", "scenario file (YAML or JSON) with a model, training tokens or simulation.days")
    .option("--json", "print one JSON object")
    .option("--timing", "add the wall-clock time of the search and the simulation to the JSON")
    .option("--svg <file>", "also draw the distribution of goodput")
    .option("--timeline-svg <file>", "also draw one simulated trial (trial 0) as a timeline")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions & { timelineSvg?: string }) => {
      exitCode = await runSimulate(file, options, io);
    });
  program
    .command("sweep")
    .description(
      "the same scenario over a range or list of values of any field(s): a table, CSV, JSON and a chart",
    )
    .argument("<file>", "scenario file (YAML or JSON)")
    .option(
      "--vary <path=values>",
      "e.g. cluster.gpus=1024..200000, training.precision=bf16,fp8 (repeatable)",
      collect,
      [],
    )
    .option("--csv", "print CSV")
    .option("--json", "print one JSON object")
    .option("--svg <file>", "also draw time to train (and cost) against the first varied field")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions & { vary: string[]; csv?: boolean }) => {
      exitCode = await runSweep(file, options, io);
    });
  program
    .command("compare")
    .description("two scenarios side by side, with the notable differences marked")
    .argument("<a>", "first scenario file")
    .argument("<b>", "second scenario file")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action((a: string, b: string, options: OutputOptions) => {
      exitCode = runCompare(a, b, options, io);
    });
  program
    .command("search")
    .description("the layout search alone: the best layouts and why the others lose (plan without the run)")
    .argument("<file>", "scenario file (YAML or JSON)")
    .option("--json", "print one JSON object")
    .option("--timing", "add the wall-clock time of the search and the simulation to the JSON")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action((file: string, options: OutputOptions) => {
      const scenario = scenarioAtMedians(readScenario(file));
      requireModel(scenario, file, "search layouts for");
      const result = planScenario(scenario);
      io.out(
        options.json ? toJson(searchJson(result, options)) : drawText(searchReport(result), styleOf(options)),
      );
    });
  program
    .command("catalog")
    .description(`what the catalogs hold, with sources: ${CATALOG_SECTIONS.join(", ")}`)
    .argument("[section]", "one catalog (default: all)")
    .option("--json", "print one JSON object")
    .action((section: string | undefined, options: { json?: boolean }) => {
      const sections = section === undefined ? CATALOG_SECTIONS : [catalogSection(section)];
      const listings = sections.map(catalogListing);
      io.out(
        options.json
          ? toJson(Object.fromEntries(listings.map((l) => [l.section, l.entries])))
          : drawText({ sections: listings.flatMap((l) => catalogReport(l).sections) }),
      );
    });
  program
    .command("schema")
    .description("the scenario format as JSON Schema, for editors")
    .action(() => {
      io.out(toJson(scenarioJsonSchema()));
    });
  program
    .command("serve")
    .description("the GPUs, megawatts and dollars a serving demand needs at its latency targets")
    .argument("<file>", "scenario file with a serve section (YAML or JSON)")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action((file: string, options: OutputOptions) => {
      const scenario = scenarioAtMedians(readScenario(file));
      if (!scenario.serve) {
        throw new InputError("serve", undefined, `a serve section in ${file} (demand, slo, precision)`);
      }
      const result = serveScenario(scenario);
      io.out(options.json ? toJson(serveJson(result)) : drawText(serveReport(result), styleOf(options)));
    });
  program
    .command("calibrate")
    .description("fit a stack's constants to your measured runs; write a stack file for cluster.stack")
    .argument(
      "<files...>",
      "runs files (YAML/JSON list of scenarios with measured:, or CSV) and measurement files",
    )
    .option("--base <stack>", "catalog stack to start from (default: the stack the runs name)")
    .option("--out <file>", "write the calibrated stack file (YAML)")
    .option("--name <name>", "the calibrated stack's name")
    .option("--folds <k>", "folds of the cross-validation (2-20, default 5)")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action((files: string[], options: CalibrateOptions) => {
      exitCode = runCalibrate(files, options, io);
    });
  program
    .command("validate")
    .description("the accuracy table against published training runs")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action((options: OutputOptions) => {
      exitCode = runValidate(options, io);
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof InputError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    if (error instanceof InfeasibleError) {
      io.err(`infeasible: ${error.message}`);
      return 2;
    }
    io.err(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    return 3;
  }
}
