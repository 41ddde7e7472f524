// Loads the bundled CLI (dist/cli-bundle/main.js, built by scripts/bundle-cli.mjs) as a classic script
// with V8's code cache beside it: the bytecode of every function the bundled examples' commands ran,
// written at build time by scripts/warm-cli-cache.mjs. Reading it back skips parsing and compiling
// what a command runs (about a tenth of `plan`'s CPU time). V8 checks the cache against its version
// and flags and compiles as usual where they differ (another Node, --inspect); it checks the source
// only by length and does not check the cache's bytes, which a damaged cache can crash it with. So
// the file starts with CRC-32s of the bundle it was made from and of the cache itself, as Node's own
// compile cache does, and a cache that fails either is not used.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { crc32 } from "node:zlib";

const bundle = fileURLToPath(new URL("../dist/cli-bundle/main.js", import.meta.url));
const codeCacheFile = `${bundle}.code-cache`;
/** The cache file's header: the bundle's CRC-32, then the cache's, both little-endian. */
const HEADER_BYTES = 8;

/** The cache made from the bundle with CRC-32 `sourceCrc`, if the file holds one intact. */
function verifiedCodeCache(sourceCrc) {
  let file;
  try {
    file = readFileSync(codeCacheFile);
  } catch {
    return undefined; // no cache (a build that skipped it): compile from source
  }
  if (file.length <= HEADER_BYTES || file.readUInt32LE(0) !== sourceCrc) return undefined;
  const cache = file.subarray(HEADER_BYTES);
  return crc32(cache) === file.readUInt32LE(4) ? cache : undefined;
}

/**
 * The CLI's `main`, whether V8 took the code cache, and a function that writes the code cache of
 * everything compiled so far. `useCodeCache: false` compiles from source (to write a fresh cache).
 */
export function loadCli({ useCodeCache = true } = {}) {
  const bytes = readFileSync(bundle);
  const sourceCrc = crc32(bytes);
  const cachedData = useCodeCache ? verifiedCodeCache(sourceCrc) : undefined;
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${bytes.toString("utf8")}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return {
    /** @type {(argv: readonly string[], io?: { out(text: string): void; err(text: string): void }) => Promise<number>} */
    main: module.exports.main,
    codeCacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCodeCache: () => {
      const cache = script.createCachedData();
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32LE(sourceCrc, 0);
      header.writeUInt32LE(crc32(cache), 4);
      writeFileSync(codeCacheFile, Buffer.concat([header, cache]));
    },
  };
}
