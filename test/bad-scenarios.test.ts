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

const corpus: {
  name: string;
  text: string;
  command?: string;
  extraArgs?: string[];
  exit: number;
  message: RegExp;
}[] = [
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
      /training\.recipe: got "megatron-fp8-params", expected megatron or pytorch-amp \(low-precision weights need precision fp8, mxfp8 or nvfp4\)/,
  },
  {
    name: "NVFP4 on a GPU without FP4 tensor cores",
    text: "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64, precision: nvfp4 }\ncluster: { accelerator: h100-sxm, gpus: 64 }\n",
    exit: 1,
    message: /training\.precision: got "nvfp4", expected bf16 \(h100-sxm has no FP4 tensor cores\)/,
  },
  {
    name: "MXFP8 on Hopper, which has FP8 but no block scaling",
    text: "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64, precision: mxfp8 }\ncluster: { accelerator: h100-sxm, gpus: 64 }\n",
    exit: 1,
    message:
      /training\.precision: got "mxfp8", expected bf16 or fp8 \(h100-sxm has no block-scaled tensor cores for mxfp8\)/,
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
  // Inputs that set an amount of work: each refused at once with the limit (limits.ts), never a hang.
  {
    name: "failures faster than recovery",
    text: `${base.replace("64 }", "64, tokens: 1e11 }")}cluster: { accelerator: h100-sxm, gpus: 64 }\nreliability: { rateScale: 1e6 }\n`,
    command: "simulate",
    exit: 2,
    message: /the run cannot finish: an interruption every .*\(at most 10,000,000\)/,
  },
  {
    name: "a window of a billion days",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\nsimulation: { days: 1e9 }\n`,
    command: "simulate",
    exit: 1,
    message: /simulation\.days: got 1000000000, expected at most 36,500/,
  },
  {
    name: "a long window on a large cluster",
    text: "model: llama-3-8b\ntraining: { sequenceLength: 4096, globalBatchSequences: 131072 }\ncluster: { accelerator: h100-sxm, gpus: 131072 }\nsimulation: { days: 30000, trials: 100000 }\n",
    command: "simulate",
    exit: 1,
    message: /simulation\.(days|trials): .*at most 200,000,000 interruptions in all trials/,
  },
  {
    name: "a million trials of a large run",
    text: "model: llama-3-405b\ntraining: { sequenceLength: 8192, globalBatchSequences: 2048, tokens: 15e12 }\ncluster: { accelerator: h100-sxm, gpus: 16384 }\nsimulation: { trials: 1000000 }\n",
    command: "simulate",
    exit: 1,
    message: /simulation\.trials: got 1000000, expected a simulation of at most 200,000,000 interruptions/,
  },
  {
    name: "a file past the size limit",
    text: `# ${"x".repeat(4 * 1024 * 1024)}\n${base}`,
    exit: 1,
    message: /expected a scenario file of at most 4,194,304 bytes/,
  },
  {
    name: "a sweep path into the prototype",
    text: `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\n`,
    command: "sweep",
    extraArgs: ["--vary", "__proto__.polluted=1,2"],
    exit: 1,
    message: /--vary: got "__proto__\.polluted", expected a dotted path of field names/,
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
      const args = [entry.command ?? "plan", file, ...(entry.extraArgs ?? [])];
      const results = [await runInProcess(args), ...(index < SMOKE ? [runBuilt(args)] : [])];
      for (const result of results) {
        assert.equal(result.status, entry.exit, `${result.stderr}${result.stdout}`);
        assert.match(result.stderr, entry.message);
        assert.doesNotMatch(result.stderr, /\n\s+at |NaN|Infinity/);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched");
    });
  }

  it("a device that never ends is read up to the limit and refused", async () => {
    const result = await runInProcess(["plan", "/dev/zero"]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /FILE: got "\/dev\/zero", expected a scenario file of at most 4,194,304 bytes/,
    );
  });

  it("names with terminal escapes and direction overrides are printed escaped", async () => {
    const file = join(scratch, "escapes.yaml");
    writeFileSync(
      file,
      `name: "evil \\e[2J \\u202e name"\n${base}cluster: { accelerator: h100-sxm, gpus: 64 }\n`,
    );
    const result = await runInProcess(["plan", file]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^evil \\u\{1b\}\[2J \\u\{202e\} name$/m);
    assert.ok(!result.stdout.includes("\u001b") && !result.stdout.includes("\u202e"));
  });
});
