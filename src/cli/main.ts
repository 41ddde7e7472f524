import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { InfeasibleError, InputError } from "../errors.ts";
import { CATALOG_SECTIONS } from "../report/catalog-sections.ts";
import { safeText } from "../report/document.ts";
import type { CalibrateOptions } from "./calibrate.ts";
import type { Io, OutputOptions } from "./common.ts";

// Exit codes: 0 ok, 1 bad input, 2 infeasible (the layout cannot run or does not fit), 3 internal error.
// Each command loads its own modules when it runs, not the whole core through src/index.ts: start-up
// (and --help) pays only for what the command uses (test/startup.test.ts keeps it so).

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
    .option(
      "--workers <n>",
      "threads for the uncertainty samples (default: every core, at most 8, from 4 cores and 128 samples; 1: in process)",
    )
    .action(async (file: string, options: OutputOptions & { workers?: string }) => {
      exitCode = await (await import("./training.ts")).runPlan(file, options, io);
    });
  program
    .command("buildout")
    .description("what a site, a budget or a power envelope holds: GPUs, racks, fabric, power and cost")
    .argument("<file>", "scenario file (YAML or JSON) with a site or a budget")
    .option("--json", "print one JSON object")
    .option("--svg <file>", "also draw the build-out: the racks, the fabric's tiers and the power")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions) => {
      exitCode = await (await import("./buildout.ts")).runBuildout(file, options, io);
    });
  program
    .command("growth")
    .description(
      "a fleet over time: phases with dates, a chip supply limit, capex and power by quarter, runs",
    )
    .argument("<file>", "scenario file (YAML or JSON) with a growth section")
    .option("--json", "print one JSON object")
    .option("--svg <file>", "also draw GPUs and MW by quarter with the runs as bars")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions) => {
      exitCode = await (await import("./growth.ts")).runGrowth(file, options, io);
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
    .option("--workers <n>", "threads for the Monte Carlo (default: every core, at most 8; 1: in process)")
    .action(async (file: string, options: OutputOptions & { timelineSvg?: string; workers?: string }) => {
      exitCode = await (await import("./training.ts")).runSimulate(file, options, io);
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
    .option(
      "--workers <n>",
      "threads for the points (default: every core, at most 8, from 4 cores and 16 points; 1: in process)",
    )
    .action(
      async (file: string, options: OutputOptions & { vary: string[]; csv?: boolean; workers?: string }) => {
        exitCode = await (await import("./analyses.ts")).runSweep(file, options, io);
      },
    );
  program
    .command("compare")
    .description("two scenarios side by side, with the notable differences marked")
    .argument("<a>", "first scenario file")
    .argument("<b>", "second scenario file")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (a: string, b: string, options: OutputOptions) => {
      exitCode = (await import("./analyses.ts")).runCompare(a, b, options, io);
    });
  program
    .command("search")
    .description("the layout search alone: the best layouts and why the others lose (plan without the run)")
    .argument("<file>", "scenario file (YAML or JSON)")
    .option("--json", "print one JSON object")
    .option("--timing", "add the wall-clock time of the search and the simulation to the JSON")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions) => {
      exitCode = await (await import("./training.ts")).runSearch(file, options, io);
    });
  program
    .command("catalog")
    .description(`what the catalogs hold, with sources: ${CATALOG_SECTIONS.join(", ")}`)
    .argument("[section]", "one catalog (default: all)")
    .option("--json", "print one JSON object")
    .action(async (section: string | undefined, options: { json?: boolean }) => {
      exitCode = (await import("./catalog.ts")).runCatalog(section, options, io);
    });
  program
    .command("schema")
    .description("the scenario format as JSON Schema, for editors")
    .action(async () => {
      const [{ scenarioJsonSchema }, { toJson }] = await Promise.all([
        import("../scenario/json-schema.ts"),
        import("../report/json.ts"),
      ]);
      io.out(toJson(scenarioJsonSchema()));
    });
  program
    .command("serve")
    .description("the GPUs, megawatts and dollars a serving demand needs at its latency targets")
    .argument("<file>", "scenario file with a serve section (YAML or JSON)")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .action(async (file: string, options: OutputOptions) => {
      exitCode = (await import("./serve.ts")).runServe(file, options, io);
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
    .action(async (files: string[], options: CalibrateOptions) => {
      exitCode = (await import("./calibrate.ts")).runCalibrate(files, options, io);
    });
  program
    .command("validate")
    .description("the accuracy table against published training runs")
    .option("--json", "print one JSON object")
    .option("--markdown", "print Markdown tables (to paste into a document)")
    .option(
      "--workers <n>",
      "threads for the runs and refits (default: every core, at most 8, from 4 cores; 1: in process)",
    )
    .action(async (options: OutputOptions & { workers?: string }) => {
      exitCode = await (await import("./validate.ts")).runValidateOnWorkers(options, io);
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
