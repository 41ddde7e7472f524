// Loads the bundled CLI (dist/cli-bundle/main.js, built by scripts/bundle-cli.mjs) as a classic script
// with V8's code cache beside it: the bytecode of every function the bundled examples' commands ran,
// written at build time by scripts/warm-cli-cache.mjs. Reading it back skips parsing and compiling
// what a command runs (about a tenth of `plan`'s CPU time). V8 checks the cache against its version,
// its flags and the source, and compiles as usual when it does not match (another Node, --inspect).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const bundle = fileURLToPath(new URL("../dist/cli-bundle/main.js", import.meta.url));
const codeCacheFile = `${bundle}.code-cache`;

/**
 * The CLI's `main`, and a function that writes the code cache of everything compiled so far.
 * `useCodeCache: false` compiles from source (to write a fresh cache).
 */
export function loadCli({ useCodeCache = true } = {}) {
  const source = readFileSync(bundle, "utf8");
  let cachedData;
  if (useCodeCache) {
    try {
      cachedData = readFileSync(codeCacheFile);
    } catch {
      // No cache (a build that skipped it): compile from source.
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return {
    /** @type {(argv: readonly string[], io?: { out(text: string): void; err(text: string): void }) => Promise<number>} */
    main: module.exports.main,
    writeCodeCache: () => writeFileSync(codeCacheFile, script.createCachedData()),
  };
}
