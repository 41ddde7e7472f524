// What each heavy module costs the CLI's start-up to import, against a budget. Each figure is one
// module's own cost: a fresh process first imports everything that module imports, then times the
// import of the module itself (load, compile, evaluate), in CPU time (user + sys, all threads) and wall
// time, median of REPEATS processes. A package is timed whole (all of its files). The budgets are
// multiples of a bare `node -e 0`'s CPU time, run alternately with the modules, so a busy or slow
// machine moves both; a module over its budget is marked and the bench exits with status 1. Run after
// `npm run build` (it imports dist/): `node --import tsx bench/import-costs.bench.ts`; `--all` also
// lists every module `plan` loads, heaviest first; arguments that are not flags pick modules by name.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const REPEATS = Number(process.env.REPEATS ?? 7);

/**
 * The heavy modules of a scenario command's start-up and their budgets (x a bare node's CPU time).
 * The whole of `plan`'s imports (dist/cli/training.js with everything under it) has a budget too.
 */
const BUDGETS: { module: string; budget: number; why: string }[] = [
  { module: "commander", budget: 0.35, why: "every command, --help included (it loads child_process)" },
  { module: "zod", budget: 1.4, why: "the scenario commands: the schema's library (all its locales)" },
  { module: "yaml", budget: 0.8, why: "reading a .yaml scenario" },
  { module: "dist/scenario/schema.js", budget: 0.6, why: "building the scenario schema" },
  { module: "dist/scenario/normalize.js", budget: 0.1, why: "the scenario's checks and catalog look-ups" },
  { module: "dist/reliability/simulate.js", budget: 0.1, why: "the run's Monte Carlo" },
  { module: "dist/validation/published-runs.js", budget: 0.12, why: "the accuracy table plan's JSON counts" },
  { module: "dist/cli/main.js", budget: 0.1, why: "the entry: commands and options, without their modules" },
  { module: "dist/cli/training.js", budget: 3.6, why: "everything plan, simulate and search import" },
];

/** Graphs timed whole rather than as their own file. */
const WHOLE = new Set(["dist/cli/training.js"]);

/** Specifiers a compiled module imports at load (tsc leaves no type-only imports in dist/). */
function staticImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  const pattern = /^(?:import|export)\s+(?:[^'";]*?\s+from\s+)?["']([^"']+)["'];?/gm;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    if (match[1]) specifiers.push(match[1]);
  }
  return specifiers;
}

/** What a module's process imports first: its direct imports, as URLs or package names. */
function dependenciesOf(module: string): string[] {
  if (!module.startsWith("dist/") || WHOLE.has(module)) return [];
  const file = resolve(root, module);
  return staticImports(file).map((specifier) =>
    specifier.startsWith(".") ? pathToFileURL(resolve(dirname(file), specifier)).href : specifier,
  );
}

/** Every dist/ module (and package) a module loads before it runs, in the order first seen. */
function graphOf(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (module: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    if (!module.startsWith("dist/")) return;
    const file = resolve(root, module);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith("node:")) continue;
      if (!specifier.startsWith(".")) {
        // A package by its name (pure-rand/generator/XoroShiro: the entry the code names).
        visit(specifier);
        continue;
      }
      visit(relative(root, resolve(dirname(file), specifier)));
    }
  };
  visit(entry);
  return [...seen];
}

interface Times {
  cpu: number;
  wall: number;
}

// The CPU clock starts once the background threads (compiling, collecting garbage) have settled after
// the module's own imports, and stops once they have settled after it: what they do for it counts.
// A data: module first warms the loader, so a module with no imports does not pay its first use.
const SCRIPT = `
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const settle = () => new Promise((done) => setTimeout(done, 150));
const [target, ...first] = JSON.parse(process.argv[1]);
await import("data:text/javascript,");
for (const dependency of first) await import(dependency);
await settle();
const cpu0 = cpu();
const wall0 = performance.now();
await import(target);
const wall = performance.now() - wall0;
await settle();
console.log(JSON.stringify({ cpu: cpu() - cpu0, wall }));
`;

/** One fresh process: the module's imports first, then the module timed. */
function importOnce(module: string): Times {
  const target = module.startsWith("dist/") ? pathToFileURL(resolve(root, module)).href : module;
  const args = ["--input-type=module", "-e", SCRIPT, JSON.stringify([target, ...dependenciesOf(module)])];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`could not import ${module}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Times;
}

/** CPU time of a bare `node -e 0`, in ms (bash's `time`: node reports no child's CPU time). */
function bareOnce(): number {
  const script = 'TIMEFORMAT="%3U %3S"; { time "$@" >/dev/null 2>&1; } 2>&1';
  const result = spawnSync("bash", ["-c", script, "time", process.execPath, "-e", "0"], { encoding: "utf8" });
  const [user, sys] = result.stdout.trim().split(/\s+/).map(Number);
  if (user === undefined || sys === undefined || !(user >= 0)) throw new Error(`could not time node -e 0`);
  return (user + sys) * 1000;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

function measure(module: string, bare: number[]): Times {
  importOnce(module); // warms the file cache
  const runs: Times[] = [];
  for (let i = 0; i < REPEATS; i++) {
    bare.push(bareOnce());
    runs.push(importOnce(module));
  }
  return { cpu: median(runs.map((r) => r.cpu)), wall: median(runs.map((r) => r.wall)) };
}

if (!existsSync(resolve(root, "dist/cli/main.js"))) throw new Error("run `npm run build` first");
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const picked = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const bare: number[] = [];
const ms = (value: number) => `${value.toFixed(1).padStart(6)} ms`;
let over = 0;

const rows = BUDGETS.filter(({ module }) => picked.length === 0 || picked.some((p) => module.includes(p)));
const measured = rows.map((row) => ({ ...row, times: measure(row.module, bare) }));
const base = median(bare);
console.log(`import costs (own: after the module's imports), median of ${REPEATS} processes each`);
for (const { module, budget, why, times } of measured) {
  const ratio = times.cpu / base;
  const verdict = ratio <= budget ? "ok" : "OVER BUDGET";
  if (ratio > budget) over++;
  console.log(
    `${module.padEnd(34)} CPU ${ms(times.cpu)} (${ratio.toFixed(2)}x, budget ${budget.toFixed(2)}x ${verdict})` +
      `  wall ${ms(times.wall)}  ${WHOLE.has(module) ? "(whole graph) " : ""}${why}`,
  );
}
console.log(`${"node -e 0".padEnd(34)} CPU ${ms(base)}  median of ${bare.length} runs`);

if (flags.includes("--all")) {
  // Every module plan loads, each timed on its own, heaviest first (a budget's candidates).
  const all = graphOf("dist/cli/training.js").filter((m) => m !== "dist/cli/training.js");
  const costs = all.map((module) => ({ module, times: measure(module, bare) }));
  costs.sort((a, b) => b.times.cpu - a.times.cpu);
  console.log(`\nevery module plan loads (${costs.length}), own import cost, heaviest first:`);
  for (const { module, times } of costs) {
    console.log(`${module.padEnd(44)} CPU ${ms(times.cpu)}  wall ${ms(times.wall)}`);
  }
}
if (over > 0) {
  console.log(`${over} module(s) over budget`);
  process.exitCode = 1;
}
