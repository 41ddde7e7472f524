import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../src/cli/main.ts";

// A corpus of bad scenarios through the CLI: each exits with the documented code and a message
// that names the field, never a stack trace, never NaN or Infinity.
const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "gigacluster-bad-"));
const base = "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64 }\n";

const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
for (let i = 0; i < 12; i++) {
  const [prev, next] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
  bomb.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
}

const corpus: { name: string; text: string; command?: string; exit: number; message: RegExp }[] = [
  { name: "empty file", text: "", exit: 1, message: /expected a scenario/ },
  { name: "not YAML", text: "model: [unclosed\n", exit: 1, message: /valid YAML or JSON/ },
  { name: "a list", text: "- 1\n- 2\n", exit: 1, message: /expected a scenario/ },
  { name: "YAML alias bomb", text: bomb.join("\n"), exit: 1, message: /valid YAML or JSON/ },
  {
    name: "wrong type",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: many }\n`,
    exit: 1,
    message: /cluster\.gpus: got "many", expected a number/,
  },
  {
    name: "negative count",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: -64 }\n`,
    exit: 1,
    message: /cluster\.gpus: got -64/,
  },
  {
    name: "fractional count",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 6.5 }\n`,
    exit: 1,
    message: /cluster\.gpus: got 6\.5, expected a whole number/,
  },
  {
    name: "huge count",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 1e30 }\n`,
    exit: 1,
    message: /cluster\.gpus: got 1e\+30, expected at most/,
  },
  {
    name: "FP8 weights without FP8",
    text: "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64, recipe: megatron-fp8-params }\ncluster: { accelerator: h100-sxm, gpus: 64 }\n",
    exit: 1,
    message:
      /training\.recipe: got "megatron-fp8-params", expected megatron or pytorch-amp \(FP8 weights need precision fp8\)/,
  },
  {
    name: "unknown accelerator",
    text: `${base}cluster: { accelerator: mi300, gpus: 64 }\n`,
    exit: 1,
    message: /cluster\.accelerator: got "mi300".*did you mean "mi300x"/,
  },
  {
    name: "unknown model",
    text: `${base.replace("llama-3-8b", "lama-3-8b")}cluster: { accelerator: h100-sxm, gpus: 64 }\n`,
    exit: 1,
    message: /model: got "lama-3-8b".*did you mean "llama-3-8b"/,
  },
  {
    name: "unknown site",
    text: "site: colossus-100\ncluster: { accelerator: h100-sxm }\n",
    command: "buildout",
    exit: 1,
    message: /site: got "colossus-100".*did you mean "colossus-100k"/,
  },
  {
    name: "unknown failure mix",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\nreliability: lama-3\n`,
    exit: 1,
    message: /reliability: got "lama-3".*did you mean "llama-3"/,
  },
  {
    name: "unknown field",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64, gpu: 8 }\n`,
    exit: 1,
    message: /cluster\.gpu: got "gpu".*did you mean "gpus"/,
  },
  {
    name: "negative budget",
    text: "cluster: { accelerator: h100-sxm }\nbudget: { usd: -5 }\n",
    command: "buildout",
    exit: 1,
    message: /budget\.usd: got -5/,
  },
  {
    name: "FP8 on an A100",
    text: `${base.replace("4096,", "4096, precision: fp8,")}cluster: { accelerator: a100-sxm-80gb, gpus: 64 }\n`,
    exit: 1,
    message: /training\.precision: got "fp8"/,
  },
  {
    name: "impossible layout",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\nlayout: { tp: 3, pp: 2, dp: 4 }\n`,
    exit: 2,
    message: /tp x pp x cp x dp = 3 x 2 x 1 x 4 = 24, but the cluster has 64 GPUs/,
  },
  {
    name: "tp above the NVLink domain",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\nlayout: { tp: 16 }\n`,
    exit: 1,
    message: /layout\.tp: got 16, expected at most search\.maxTp \(8\)/,
  },
  {
    name: "nothing fits",
    text: "model: llama-3-405b\ntraining: { sequenceLength: 8192, globalBatchSequences: 8 }\ncluster: { accelerator: h100-sxm, gpus: 8 }\n",
    exit: 2,
    message: /nothing fits in memory/,
  },
  {
    name: "missing training",
    text: "model: llama-3-8b\ncluster: { accelerator: h100-sxm, gpus: 64 }\n",
    exit: 1,
    message: /training: got nothing/,
  },
  {
    name: "simulate without tokens or window",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\n`,
    command: "simulate",
    exit: 1,
    message: /training\.tokens: got nothing, expected a token budget, or simulation\.days/,
  },
];

async function runInProcess(
  args: readonly string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

function runBuilt(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(root, "bin", "gigacluster.js"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 20000,
  });
}

// In-process through main(argv, io); the first entries also through the built command, as a smoke test
// that the process prints the same message and exit code.
const SMOKE = 3;

describe("bad scenarios", () => {
  for (const [index, entry] of corpus.entries()) {
    it(entry.name, async () => {
      const file = join(scratch, `${entry.name.replaceAll(" ", "-")}.yaml`);
      writeFileSync(file, entry.text);
      const args = [entry.command ?? "plan", file];
      const results = [await runInProcess(args), ...(index < SMOKE ? [runBuilt(args)] : [])];
      for (const result of results) {
        assert.equal(result.status, entry.exit, `${result.stderr}${result.stdout}`);
        assert.match(result.stderr, entry.message);
        assert.doesNotMatch(result.stderr, /\n\s+at |NaN|Infinity/);
      }
    });
  }
});
