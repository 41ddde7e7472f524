import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// Every bundled example runs through the built CLI; its JSON, normalised (timings dropped, numbers to
// 6 significant digits), must match the golden file. UPDATE_GOLDEN=1 rewrites the golden files.
const root = fileURLToPath(new URL("..", import.meta.url));
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".yaml"));

function commandsFor(text: string): string[] {
  if (!/^model:/m.test(text)) return ["buildout"];
  return /^simulation:/m.test(text) && !/tokens:/.test(text) ? ["plan", "simulate"] : ["plan"];
}

function normalise(value: unknown, key = ""): unknown {
  if (typeof value === "number") return key === "seconds" ? 0 : Number(value.toPrecision(6));
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

describe("bundled examples (golden output)", () => {
  for (const example of examples) {
    const text = readFileSync(join(root, "examples", example), "utf8");
    for (const command of commandsFor(text)) {
      it(`${command} ${example}`, () => {
        const result = spawnSync(
          process.execPath,
          [join(root, "bin", "gigacluster.js"), command, join("examples", example), "--json"],
          {
            cwd: root,
            encoding: "utf8",
          },
        );
        assert.equal(result.status, 0, result.stderr);
        const actual = normalise(JSON.parse(result.stdout));
        const golden = join(root, "test", "golden", `${example.replace(".yaml", "")}.${command}.json`);
        if (process.env.UPDATE_GOLDEN === "1" || !existsSync(golden)) {
          writeFileSync(golden, `${JSON.stringify(actual, null, 1)}\n`);
        }
        assert.deepEqual(actual, JSON.parse(readFileSync(golden, "utf8")));
      });
    }
  }
});
