// Bundles the CLI (bin/gigacluster.js runs it) into dist/cli-bundle: one module graph with no package
// resolution at start-up and no module zod or the others never use (about a fifth of `plan`'s CPU
// time on Node 20, which has no compile cache). The library (dist/index.js) stays unbundled. Each
// command's reports stay in chunks of their own, loaded when the command runs, and the worker
// threads' entry sits beside the CLI's, where src/cli/task-pool.ts looks for it.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry a hash of their content: the previous build's would pile up beside the new ones.
rmSync("dist/cli-bundle", { recursive: true, force: true });

// Bundled CommonJS packages require Node's built-ins, and an ES module has no `require` of its own.
const requireShim = [
  'import { createRequire as __createRequire } from "node:module";',
  "const require = __createRequire(import.meta.url);",
].join("\n");

await build({
  entryPoints: { main: "src/cli/main.ts", "task-worker": "src/cli/task-worker.ts" },
  outdir: "dist/cli-bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  banner: { js: requireShim },
});
