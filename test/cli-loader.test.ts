import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

// The CLI's code cache (bin/cli-loader.js), on a copy of the built bin/ and dist/cli-bundle/: V8 takes
// the cache the build wrote, and a damaged cache, or one made from another bundle of the same length,
// is not handed to V8 (which would crash on the first, and run stale bytecode from the second).
const root = fileURLToPath(new URL("..", import.meta.url));

function copyOfTheCli(): string {
  const copy = mkdtempSync(join(tmpdir(), "gigacluster-cli-"));
  cpSync(join(root, "bin"), join(copy, "bin"), { recursive: true });
  cpSync(join(root, "dist", "cli-bundle"), join(copy, "dist", "cli-bundle"), { recursive: true });
  return copy;
}

/** Whether a fresh node (no flags, as a user runs it) takes the copy's code cache. */
function codeCacheUsed(copy: string): boolean {
  const loader = pathToFileURL(join(copy, "bin", "cli-loader.js")).href;
  const code = `import { loadCli } from ${JSON.stringify(loader)}; console.log(loadCli().codeCacheUsed);`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as boolean;
}

/** The copy's `catalog stacks`: what it prints and its exit code. */
function catalogStacks(copy: string): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [join(copy, "bin", "gigacluster.js"), "catalog", "stacks"], {
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout };
}

describe("the CLI's code cache", () => {
  const copy = copyOfTheCli();
  const cacheFile = join(copy, "dist", "cli-bundle", "main.js.code-cache");
  const bundleFile = join(copy, "dist", "cli-bundle", "main.js");
  const cache = readFileSync(cacheFile);
  const bundle = readFileSync(bundleFile);
  const expected = catalogStacks(copy);

  it("is taken as the build wrote it", () => {
    assert.equal(expected.status, 0);
    assert.ok(expected.stdout.includes("megatron-core"));
    assert.equal(codeCacheUsed(copy), true);
  });

  it("is not used when damaged: the command compiles from source and prints the same", () => {
    const damaged = Buffer.from(cache);
    for (let i = 100_000; i < damaged.length; i += 50_000) damaged[i] = (damaged[i] ?? 0) ^ 0xff;
    writeFileSync(cacheFile, damaged);
    try {
      assert.equal(codeCacheUsed(copy), false);
      assert.deepEqual(catalogStacks(copy), expected);
    } finally {
      writeFileSync(cacheFile, cache);
    }
  });

  it("is not used with another bundle of the same length", () => {
    // One character of a message changed: the same length, which is all V8 itself compares.
    const text = bundle.toString("utf8");
    const at = text.indexOf("expected");
    assert.ok(at > 0);
    const edited = `${text.slice(0, at)}Expected${text.slice(at + "expected".length)}`;
    assert.equal(Buffer.byteLength(edited), bundle.length);
    writeFileSync(bundleFile, edited);
    try {
      assert.equal(codeCacheUsed(copy), false);
      assert.deepEqual(catalogStacks(copy), expected);
    } finally {
      writeFileSync(bundleFile, bundle);
    }
  });
});
