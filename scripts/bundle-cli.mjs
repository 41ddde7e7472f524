// Bundles the CLI (bin/gigacluster.js runs it) into dist/cli-bundle: one CommonJS file with no package
// resolution at start-up and no module zod or the others never use, so that bin/cli-loader.js can
// compile it from V8's code cache (Node 20 has no compile cache of its own; CommonJS because only a
// classic script takes a code cache without flags). Each command's reports stay in lazily run
// wrappers. The charts (Observable Plot and linkedom, 45% of the code) are bundles of their own, read
// only when an SVG is drawn, as is the worker threads' entry (where src/cli/task-pool.ts looks for
// it). The library (dist/index.js) stays unbundled ES modules.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const outdir = "dist/cli-bundle";
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
// The package is "type": "module"; the bundles are CommonJS (the worker loads its entry by path).
writeFileSync(`${outdir}/package.json`, '{ "type": "commonjs" }\n');

// The sources are ES modules: import.meta becomes the bundle file's own URL (and resolve, used only
// when running from .ts sources, a require.resolve).
const importMeta = [
  "const __import_meta = {",
  '  url: require("node:url").pathToFileURL(__filename).href,',
  '  resolve: (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href,',
  "};",
].join("\n");

// The modules src/cli/common.ts's writeSvg imports: in the main bundle, a require of their own bundles.
const chartBundles = { linkedom: "linkedom", "../charts.ts": "charts" };
const chartsApart = {
  name: "charts-apart",
  setup(build) {
    build.onResolve({ filter: /^(linkedom|\.\.\/charts\.ts)$/ }, ({ path, kind }) =>
      kind === "dynamic-import" ? { path: `./${chartBundles[path]}.js`, external: true } : undefined,
    );
  },
};

await build({
  entryPoints: {
    main: "src/cli/main.ts",
    "task-worker": "src/cli/task-worker.ts",
    charts: "src/charts.ts",
    linkedom: "linkedom",
  },
  outdir,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  define: { "import.meta": "__import_meta" },
  banner: { js: importMeta },
  // import() of the chart bundles becomes require(): the loader's script has no dynamic import.
  supported: { "dynamic-import": false },
  plugins: [chartsApart],
});

// The code cache: the bundled examples' commands run once, then V8's bytecode of everything they
// compiled is written beside the bundle (scripts/warm-cli-cache.mjs says what runs).
const warm = spawnSync(process.execPath, ["scripts/warm-cli-cache.mjs"], { stdio: "inherit" });
if (warm.status !== 0) process.exit(warm.status ?? 1);
