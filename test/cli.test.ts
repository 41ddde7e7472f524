import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./helpers.ts";

// The CLI in-process through main(argv, io) (runCli), as a user runs it; a few smoke tests run the built
// command (npm test builds it first) in a process of its own.
const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "gigacluster.js");
const scratch = mkdtempSync(join(tmpdir(), "gigacluster-"));
process.chdir(root);

function runBuilt(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scenarioFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe("gigacluster CLI", () => {
  it("plan prints the breakdowns of the bundled example", async () => {
    const { code, stdout, stderr } = runBuilt("plan", "examples/llama-3-405b.yaml");
    assert.equal(code, 0, stderr);
    for (const heading of ["Memory per GPU", "Step time", "Throughput", "Training"])
      assert.match(stdout, new RegExp(heading));
    assert.doesNotMatch(stdout, /NaN|Infinity|undefined/);
  });

  it("plan searches the layouts a scenario leaves open and reports the runners-up", async () => {
    const file = scenarioFile(
      "auto.yaml",
      "model: llama-3-70b\ntraining: { sequenceLength: 8192, globalBatchSequences: 512 }\ncluster: { accelerator: h100-sxm, gpus: 512 }\n",
    );
    const { code, stdout } = await runCli("plan", file, "--json", "--timing");
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.ok(result.search.evaluated >= result.search.feasible && result.search.feasible > 0);
    assert.ok(result.timing.searchSeconds > 0);
    assert.equal(result.search.seconds, undefined, "timings only under --timing");
    assert.ok(result.search.top.length > 1);
    assert.deepEqual(result.search.top[0].layout, result.layout);
    for (const ranked of result.search.top) {
      assert.ok(ranked.memory.fits);
      assert.ok(ranked.step.seconds >= result.step.seconds);
    }
    assert.match((await runCli("plan", file)).stdout, /Layout search: [\d,]+ layouts evaluated/);
  });

  it("plan --json gives the documented fields", async () => {
    const { code, stdout } = await runCli("plan", "examples/llama-3-405b.yaml", "--json");
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    for (const key of [
      "tp",
      "pp",
      "cp",
      "dp",
      "ep",
      "microBatch",
      "virtualStages",
      "recompute",
      "zero",
      "sequenceParallel",
    ]) {
      assert.ok(key in result.layout, key);
    }
    assert.ok(result.memory.perGpuBytes.total > 0);
    assert.ok(result.memory.capacityBytes > 0);
    assert.equal(typeof result.memory.fits, "boolean");
    assert.ok(result.step.seconds > 0 && result.step.breakdown.total === result.step.seconds);
    assert.ok(result.throughput.tokensPerSecond > 0);
    assert.ok(result.throughput.tflopsPerGpu > 0);
    assert.ok(result.throughput.mfu > 0 && result.throughput.mfu < 1);
    assert.ok(result.training.days > 0 && result.training.gpuHours > 0);
  });

  it("validate prints the accuracy table with the real errors", async () => {
    const { code, stdout } = await runCli("validate");
    assert.equal(code, 0);
    assert.match(stdout, /mean absolute error/);
    assert.match(stdout, /korthikanti-2022-175b-seq-sel/);
    const json = JSON.parse((await runCli("validate", "--json")).stdout);
    assert.equal(json.runs.length, 73);
    assert.equal(json.byStack.length, 9);
  });

  it("bad input exits 1 with the field, the value and a hint, never a stack trace", async () => {
    const file = scenarioFile(
      "typo.yaml",
      "model: llama-3-450b\ntraining: { sequenceLength: 4096, globalBatchSequences: 64 }\ncluster: { accelerator: h100-sxm, gpus: 64 }\nlayout: { tp: 8, pp: 1 }\n",
    );
    const { code, stderr } = runBuilt("plan", file);
    assert.equal(code, 1);
    assert.match(stderr, /model: got "llama-3-450b", expected a known model .*did you mean "llama-3-405b"/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it("a missing file and an empty file are input errors", async () => {
    assert.equal((await runCli("plan", join(scratch, "missing.yaml"))).code, 1);
    const empty = await runCli("plan", scenarioFile("empty.yaml", ""));
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /expected a scenario/);
  });

  it("a build-out file is explained by plan, search and simulate, and compared as a build-out", async () => {
    const file = join(root, "examples", "budget-12b.yaml");
    for (const command of ["plan", "search", "simulate"]) {
      const { code, stderr } = await runCli(command, file);
      assert.equal(code, 1, command);
      assert.match(stderr, /budget-12b\.yaml has none, so it is a build-out scenario/, command);
      assert.match(stderr, /gigacluster buildout .*budget-12b\.yaml/, command);
    }
    const compared = await runCli("compare", file, join(root, "examples", "budget-6b.yaml"));
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /build-out only: no model to train/);
    assert.match(compared.stdout, /capex \(\$B\)\s+12\s+6\s+-50\.0% better/);
    assert.doesNotMatch(compared.stdout, /step time/, "rows neither side has are left out");
  });

  it("a layout that cannot run or does not fit exits 2", async () => {
    const base = "model: llama-3-70b\ntraining: { sequenceLength: 8192, globalBatchSequences: 64 }\n";
    const impossible = await runCli(
      "plan",
      scenarioFile(
        "bad-layout.yaml",
        `${base}cluster: { accelerator: h100-sxm, gpus: 64 }\nlayout: { tp: 8, pp: 2, dp: 8 }\n`,
      ),
    );
    assert.equal(impossible.code, 2);
    assert.match(impossible.stderr, /tp x pp x cp x dp = 8 x 2 x 1 x 8 = 128, but the cluster has 64 GPUs/);
    const tooBig = await runCli(
      "plan",
      scenarioFile(
        "too-big.yaml",
        `${base}cluster: { accelerator: h100-sxm, gpus: 8 }\nlayout: { tp: 8, pp: 1, recompute: none }\n`,
      ),
    );
    assert.equal(tooBig.code, 2);
    assert.match(
      tooBig.stderr,
      /nothing fits in memory: the smallest footprint among \d+ layouts is [\d.]+ GiB per GPU/,
    );
    // A pinned layout that does not fit still prints its whole plan in JSON, with the verdict.
    const pinned = await runCli(
      "plan",
      scenarioFile(
        "pinned-too-big.yaml",
        `${base}cluster: { accelerator: h100-sxm, gpus: 8 }\nlayout: { tp: 8, pp: 1, cp: 1, dp: 1, microBatch: 1, recompute: none, zero: 0, sequenceParallel: true }\n`,
      ),
      "--json",
    );
    assert.equal(pinned.code, 2);
    const closest = JSON.parse(pinned.stdout);
    assert.equal(closest.memory.fits, false);
    assert.equal(closest.memory.verdict, "does not fit");
    assert.ok(closest.memory.perGpuBytes.activations > 0 && closest.step.seconds > 0);
    assert.match(closest.infeasible, /nothing fits in memory/);
  });

  it("buildout answers what a budget buys, with the documented JSON fields", async () => {
    const { code, stdout } = await runCli("buildout", "examples/budget-12b.yaml", "--json");
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    for (const key of ["gpus", "servers", "racks"]) assert.ok(result[key] > 0, key);
    assert.ok(result.network.tiers >= 1 && result.network.switches > 0 && result.network.transceivers > 0);
    assert.ok(result.power.itMegawatts > 0 && result.power.facilityMegawatts > result.power.itMegawatts);
    assert.ok(result.cost.capexUsd <= 12e9 && result.cost.capexUsd > 11e9);
    assert.ok(result.cost.opexUsdPerYear > 0 && result.cost.usdPerGpuHour > 0);
    assert.equal(result.sizedBy, "budget");
    assert.match(
      (await runCli("buildout", "examples/stargate-uae-200mw.yaml")).stdout,
      /chips a year need [\d.]+ GW/,
    );
  });

  it("plan folds the build-out into one report from a site to time-to-train", async () => {
    const { code, stdout } = await runCli("plan", "examples/colossus-100k.yaml");
    assert.equal(code, 0);
    assert.match(stdout, /Training {4}15\.60 T tokens/);
    assert.match(stdout, /Build-out: xAI Colossus/);
    assert.match(stdout, /per GPU-hour/);
  });

  it("a rack too small for one server is an input error naming the field", async () => {
    const file = scenarioFile(
      "rack.yaml",
      "site: { preset: generic-2025, rackKilowatts: 5 }\ncluster: { accelerator: h100-sxm, gpus: 64 }\n",
    );
    const { code, stderr } = await runCli("buildout", file);
    assert.equal(code, 1);
    assert.match(stderr, /site\.rackKilowatts: got 5, expected at least 10\.2 kW/);
  });

  it("simulate reproduces the Llama 3 window with the documented JSON fields, and no progress bar in a pipe", async () => {
    const { code, stdout, stderr } = runBuilt("simulate", "examples/llama-3-54-days.yaml", "--json");
    assert.equal(code, 0);
    assert.doesNotMatch(stderr, /simulating/);
    const result = JSON.parse(stdout);
    assert.equal(result.trials, 2000);
    assert.equal(result.seed, 1);
    assert.ok(Math.abs(result.interruptions.mean / 419 - 1) < 0.05);
    assert.ok(result.interruptions.byCause["faulty GPU"] > 0);
    assert.ok(result.checkpoint.intervalSeconds > 0);
    for (const key of ["p10", "p50", "p90"]) {
      assert.ok(result.goodput[key] > 0.9 && result.goodput[key] <= 1, key);
      assert.ok(result.days[key] > 0, key);
    }
    assert.deepEqual(
      JSON.parse((await runCli("simulate", "examples/llama-3-54-days.yaml", "--json")).stdout).goodput,
      result.goodput,
    );
  });

  it("plan folds the simulated P50 into its report when there is a token budget", async () => {
    assert.match(
      (await runCli("plan", "examples/llama-3-405b.yaml")).stdout,
      /With failures {2}P50 [\d.]+ days/,
    );
  });

  it("sweep varies any field over a range and writes CSV, JSON and an SVG chart", async () => {
    const svg = join(scratch, "sweep.svg");
    const csv = await runCli(
      "sweep",
      "examples/llama-3-405b-search.yaml",
      "--vary",
      "cluster.gpus=2048..16384",
      "--csv",
      "--svg",
      svg,
    );
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split("\n");
    assert.match(lines[0] ?? "", /^cluster\.gpus,gpus,stepSeconds,tokensPerSecond,mfu,days/);
    assert.deepEqual(
      lines.slice(1).map((line) => Number(line.split(",")[0])),
      [2048, 4096, 8192, 16384],
    );
    const days = lines.slice(1).map((line) => Number(line.split(",")[5]));
    assert.ok(
      days.every((d, i) => i === 0 || d < (days[i - 1] ?? 0)),
      "more GPUs, fewer days",
    );
    const chart = readFileSync(svg, "utf8");
    assert.match(chart, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(chart, /Time to train/);
    const swept = await runCli(
      "sweep",
      "examples/llama-3-405b-search.yaml",
      "--vary",
      "training.precision=bf16,fp8",
      "--json",
    );
    const json = JSON.parse(swept.stdout);
    assert.equal(json.rows.length, 2);
    assert.ok(json.rows[1].stepSeconds < json.rows[0].stepSeconds, "FP8 steps are faster");
  });

  it("a sweep point that cannot run is reported in its row, not as a crash", async () => {
    const { code, stdout } = await runCli(
      "sweep",
      "examples/llama-3-405b.yaml",
      "--vary",
      "cluster.gpus=8,16384",
      "--csv",
    );
    assert.equal(code, 0);
    assert.match(stdout, /\n8,.*the layout cannot run/);
  });

  it("plan and simulate draw their charts with --svg", async () => {
    const plan = join(scratch, "plan.svg");
    const simulate = join(scratch, "simulate.svg");
    assert.equal((await runCli("plan", "examples/llama-3-405b.yaml", "--svg", plan)).code, 0);
    assert.equal((await runCli("simulate", "examples/llama-3-54-days.yaml", "--svg", simulate)).code, 0);
    assert.match(readFileSync(plan, "utf8"), /Step time by term[\s\S]*Memory per GPU by term/);
    assert.match(readFileSync(simulate, "utf8"), /Goodput over 2000 trials/);
  });

  it("catalog lists every catalog with sources, and schema prints the JSON Schema", async () => {
    const catalog = await runCli("catalog");
    assert.equal(catalog.code, 0);
    for (const section of ["accelerators", "models", "sites", "platforms", "network", "failures", "stacks"]) {
      assert.match(catalog.stdout, new RegExp(`^${section}$`, "m"));
    }
    assert.match(
      (await runCli("catalog", "accelerators")).stdout,
      /h100-sxm .*NVIDIA H100 Tensor Core GPU datasheet/,
    );
    const schema = JSON.parse((await runCli("schema")).stdout);
    assert.equal(schema.type, "object");
    assert.ok(schema.properties.model && schema.properties.site && schema.properties.reliability);
  });

  it("compare puts two scenarios side by side and marks the notable differences", async () => {
    const { code, stdout } = await runCli(
      "compare",
      "examples/llama-3-405b.yaml",
      "examples/meta-24k-llama-3-405b.yaml",
    );
    assert.equal(code, 0);
    assert.match(stdout, /^A: Llama 3 405B on Meta's 16K-H100 cluster/m);
    assert.match(stdout, /GPUs\s+16,384\s+24,576\s+\+50\.0%/);
    assert.match(stdout, /(better|worse)/);
    const json = JSON.parse(
      (await runCli("compare", "examples/llama-3-405b.yaml", "examples/llama-3-405b-search.yaml", "--json"))
        .stdout,
    );
    assert.equal(json.a.metrics.length, json.b.metrics.length);
  });

  it("the same scenario and seed give the same bytes; --version prints the package's version", async () => {
    const first = await runCli("simulate", "examples/llama-3-54-days.yaml", "--json");
    const second = await runCli("simulate", "examples/llama-3-54-days.yaml", "--json");
    assert.equal(first.code, 0);
    assert.equal(first.stdout, second.stdout);
    const version = await runCli("--version");
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\s*$/);
  });

  it("--markdown prints tables to paste into a document; pipes get no colour codes", async () => {
    const markdown = (await runCli("buildout", "examples/budget-12b.yaml", "--markdown")).stdout;
    assert.match(markdown, /^\| item \| count \| note \|$/m);
    assert.match(markdown, /^\| :-- \| --: \| :-- \|$/m);
    assert.doesNotMatch((await runCli("validate")).stdout, new RegExp(String.fromCharCode(27)));
  });

  it("search prints the layout search alone", async () => {
    const { code, stdout } = await runCli("search", "examples/llama-3-405b-search.yaml", "--json");
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.ok(result.evaluated > 0 && result.top.length > 0 && result.top[0].layout);
  });
});
