import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The start-up budget, kept without timings (bench/import-costs.bench.ts and bench/startup.bench.ts
// measure): what a command really loads, recorded by a module hook while it runs from source, dynamic
// imports included. Every module costs start-up time (zod, yaml and the scenario schema the most), so
// a command must not load what it does not use, and plan's count of the project's own modules is held.

const root = fileURLToPath(new URL("..", import.meta.url));

/** The hook thread reports each module loaded; the list is printed to stderr when the command ends. */
const RECORDER = `
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on("message", (url) => loaded.push(url));
port1.unref();
register(
  "data:text/javascript," +
    encodeURIComponent(
      "let port; export function initialize(data) { port = data.port; }" +
        "export async function load(url, context, next) { port.postMessage(url); return next(url, context); }",
    ),
  { data: { port: port2 }, transferList: [port2] },
);
const { main } = await import("./src/cli/main.ts");
const code = await main(JSON.parse(process.argv[1]), { out: () => {}, err: () => {} });
await new Promise((done) => setTimeout(done, 50));
process.stderr.write("\\nLOADED " + JSON.stringify({ code, loaded }) + "\\n");
`;

interface Loaded {
  /** The project's own modules, relative to the repository (src/...). */
  readonly files: readonly string[];
  /** Packages by name. */
  readonly packages: readonly string[];
}

/** Runs the CLI from source with `args` in a fresh process and lists the modules it loaded. */
function modulesLoadedBy(...args: string[]): Loaded {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", RECORDER, JSON.stringify(args)],
    { cwd: root, encoding: "utf8" },
  );
  const line = run.stderr.split("\n").find((l) => l.startsWith("LOADED "));
  assert.ok(line, `the recorder printed nothing: ${run.stderr}`);
  const { code, loaded } = JSON.parse(line.slice("LOADED ".length)) as { code: number; loaded: string[] };
  assert.equal(code, 0, `gigacluster ${args.join(" ")} failed`);
  const files = new Set<string>();
  const packages = new Set<string>();
  for (const url of loaded) {
    if (!url.startsWith("file:")) continue;
    const path = fileURLToPath(url);
    const inPackage = path.split("/node_modules/")[1];
    if (inPackage !== undefined) {
      const parts = inPackage.split("/");
      packages.add(inPackage.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? inPackage));
    } else if (path.startsWith(root)) files.add(path.slice(root.length));
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/** How many of the project's own modules `plan --json` may load (70 when this was written). */
const PLAN_MODULE_BUDGET = 76;

const TEXT_REPORTS = [
  "src/report/plan-report.ts",
  "src/report/simulate-report.ts",
  "src/report/uncertainty-report.ts",
  "src/report/buildout-report.ts",
  "src/report/glossary.ts",
];

describe("start-up budget: what a command loads as it runs", () => {
  it("--help loads commander and the entry alone", () => {
    const { files, packages } = modulesLoadedBy("--help");
    assert.deepEqual(packages, ["commander"]);
    assert.ok(files.length <= 6, `--help loads ${files.length} modules: ${files.join(", ")}`);
    assert.ok(!files.includes("src/scenario/schema.ts"));
  });

  it("plan --json loads the schema, the YAML parser and the generator, no chart or text report", () => {
    const { files, packages } = modulesLoadedBy("plan", "examples/llama-3-405b.yaml", "--json");
    assert.deepEqual(packages, ["commander", "pure-rand", "yaml", "zod"]);
    for (const report of TEXT_REPORTS) assert.ok(!files.includes(report), `plan --json loads ${report}`);
    for (const whole of ["src/index.ts", "src/charts.ts", "src/cli/parallel-trials.ts"]) {
      assert.ok(!files.includes(whole), `plan --json loads ${whole}`);
    }
    assert.ok(
      files.length <= PLAN_MODULE_BUDGET,
      `plan --json loads ${files.length} of the project's modules, over its budget of ${PLAN_MODULE_BUDGET}` +
        " (each costs start-up: see bench/import-costs.bench.ts before raising it)",
    );
  });

  it("buildout --json leaves the text tables alone", () => {
    const { files, packages } = modulesLoadedBy("buildout", "examples/stargate-uae-1gw.yaml", "--json");
    assert.deepEqual(packages, ["commander", "yaml", "zod"]);
    for (const report of TEXT_REPORTS) assert.ok(!files.includes(report), `buildout --json loads ${report}`);
  });

  it("plan's text report leaves the JSON report alone", () => {
    const { files, packages } = modulesLoadedBy("plan", "examples/llama-3-405b.yaml");
    assert.deepEqual(packages, ["commander", "pure-rand", "yaml", "zod"]);
    assert.ok(files.includes("src/report/plan-report.ts"));
    assert.ok(!files.includes("src/report/json.ts"), "plan (text) loads src/report/json.ts");
  });
});
