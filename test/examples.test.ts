import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main.ts";

// Every bundled example through the CLI (in-process): its JSON (normalised: numbers to
// 6 significant digits), its text and Markdown reports and its SVG charts must match the golden files
// under test/golden. UPDATE_GOLDEN=1 rewrites them.
const root = fileURLToPath(new URL("..", import.meta.url));
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".yaml"));
const scratch = mkdtempSync(join(tmpdir(), "gigacluster-golden-"));
process.chdir(root);

function commandsFor(text: string): string[] {
  if (/^serve:/m.test(text)) return ["serve"];
  if (/^growth:/m.test(text)) return ["growth"];
  if (!/^model:/m.test(text)) return ["buildout"];
  return /^simulation:/m.test(text) && !/tokens:/.test(text) ? ["plan", "simulate"] : ["plan"];
}

function normalise(value: unknown): unknown {
  if (typeof value === "number") return Number(value.toPrecision(6));
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

/** Reports print how long the search took: the one figure that changes from run to run. */
const withoutTimings = (text: string) => text.replace(/in [\d,]+ ms/g, "in <t> ms");

async function cli(args: readonly string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (text) => out.push(text), err: (text) => err.push(text) });
  assert.equal(code, 0, err.join("\n"));
  return out.join("\n");
}

function matchesGolden(name: string, actual: string): void {
  const golden = join(root, "test", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(golden)) writeFileSync(golden, actual);
  assert.equal(actual, readFileSync(golden, "utf8"), `${name} differs from its golden file`);
}

describe("bundled examples (golden output)", () => {
  for (const example of examples) {
    const name = example.replace(".yaml", "");
    const file = join("examples", example);
    const text = readFileSync(join(root, file), "utf8");
    for (const command of commandsFor(text)) {
      const charted = command === "plan" || command === "simulate";
      it(`${command} ${example}: JSON, text, Markdown${charted ? " and SVG" : ""}`, async () => {
        // One JSON run also draws the charts (plan and simulate take --svg).
        const svg = join(scratch, `${name}.${command}.svg`);
        const drawn = charted ? ["--svg", svg] : [];
        const json = normalise(JSON.parse(await cli([command, file, "--json", ...drawn])));
        matchesGolden(`${name}.${command}.json`, `${JSON.stringify(json, null, 1)}\n`);
        if (drawn.length > 0) matchesGolden(`${name}.${command}.svg`, readFileSync(svg, "utf8"));
        matchesGolden(`${name}.${command}.txt`, `${withoutTimings(await cli([command, file]))}\n`);
        matchesGolden(
          `${name}.${command}.md`,
          `${withoutTimings(await cli([command, file, "--markdown"]))}\n`,
        );
      });
    }
  }
});
