import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { type ScenarioSummary, summarizeScenario } from "../src/pipeline/compare.ts";
import { sweepScenario } from "../src/pipeline/sweep.ts";
import { compareReport } from "../src/report/compare-report.ts";
import { drawText } from "../src/report/document.ts";
import { sweepCsv } from "../src/report/sweep-csv.ts";
import { sweepReport } from "../src/report/sweep-report.ts";
import { scenarioAtMedians } from "../src/scenario/normalize.ts";
import { runCli } from "./helpers.ts";

// Sweeps and comparisons of files with a serve section: the serving fleet's figures per point and per
// side, with or without a training section.

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const example = (name: string): unknown => parse(readFileSync(`examples/${name}.yaml`, "utf8"));
const H100 = example("serve-h100-llama-70b");
const GB200 = example("serve-gb200-llama-70b");

const metricOf = (summary: ScenarioSummary, key: string) => summary.metrics.find((m) => m.key === key)?.value;

describe("sweeps of a serve section", () => {
  it("more users never need fewer serving GPUs; a serve-only file has no training figures", () => {
    const users = [250_000, 1_000_000, 2_000_000, 8_000_000];
    const rows = sweepScenario(H100, [{ path: "serve.demand.users", values: users }]);
    assert.equal(rows.length, users.length);
    for (const row of rows) {
      assert.equal(row.error, undefined, row.error);
      assert.equal(row.gpus, undefined, "no training section, no plan");
      assert.ok((row.servingGpus ?? 0) > 0 && (row.servingReplicas ?? 0) > 0);
      assert.ok((row.usdPerMillionTokens ?? 0) > 0 && (row.whPerRequest ?? 0) > 0);
      assert.ok((row.ttftSeconds ?? 3) <= 2 && (row.tpotSeconds ?? 1) <= 0.05, "within the targets");
      assert.match(row.servingLayout ?? "", /^tp\d+ pp\d+ .*batch \d+$/);
    }
    const gpus = rows.map((row) => row.servingGpus ?? 0);
    assert.ok(
      gpus.every((g, i) => i === 0 || g >= (gpus[i - 1] ?? 0)),
      `non-decreasing: ${gpus.join(", ")}`,
    );
    assert.ok((gpus.at(-1) ?? 0) > (gpus[0] ?? 0));
    const text = drawText(sweepReport(rows, [{ path: "serve.demand.users", values: users }]));
    assert.match(text, /serving GPUs/);
    assert.match(text, /\$\/M tokens/);
    assert.doesNotMatch(text, /MFU|days w\/ failures/, "a serve-only sweep shows no training columns");
  });

  it("a point whose targets cannot be met carries its error; the others still compute", () => {
    const rows = sweepScenario(H100, [{ path: "serve.slo.tpotSeconds", values: [0.05, 0.0005, 0.1] }]);
    assert.match(rows[1]?.error ?? "", /no replica meets the service levels/);
    assert.equal(rows[1]?.servingGpus, undefined);
    for (const row of [rows[0], rows[2]]) {
      assert.equal(row?.error, undefined);
      assert.ok((row?.servingGpus ?? 0) > 0);
    }
    const csv = sweepCsv(rows, [{ path: "serve.slo.tpotSeconds", values: [0.05, 0.0005, 0.1] }]);
    assert.match(csv.split("\n")[2] ?? "", /^0\.0005,,.*"no replica meets/);
  });

  it("a file with training and serve sections sweeps both sides", () => {
    const both = {
      ...(H100 as object),
      training: { sequenceLength: 8192, globalBatchSequences: 512, tokens: 1e11 },
      cluster: { accelerator: "h100-sxm", gpus: 512 },
    };
    const [row] = sweepScenario(both, [{ path: "serve.demand.users", values: [2_000_000] }]);
    assert.equal(row?.error, undefined, row?.error);
    assert.equal(row?.gpus, 512);
    assert.ok((row?.days ?? 0) > 0 && (row?.servingGpus ?? 0) > 0);
    const csv = sweepCsv(row ? [row] : [], [{ path: "serve.demand.users", values: [2_000_000] }]);
    assert.match(csv, /^serve\.demand\.users,gpus,stepSeconds,.*,facilityMegawatts,servingLayout,.*,error\n/);
  });

  it("the CLI's sweep --csv prints the serving columns", async () => {
    const { code, stdout, stderr } = await runCli(
      "sweep",
      "examples/serve-h100-llama-70b.yaml",
      "--vary",
      "serve.demand.users=1000000,2000000",
      "--csv",
    );
    assert.equal(code, 0, stderr);
    const [header, ...lines] = stdout.trim().split("\n");
    assert.equal(
      header,
      "serve.demand.users,servingLayout,servingReplicas,servingGpus,servingMegawatts,ttftSeconds,tpotSeconds,usdPerMillionTokens,whPerRequest,servingUsdPerYear,error",
    );
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^\d+,tp\d+ pp\d+ [^,]*batch \d+,\d+,\d+,[\d.]+/);
  });
});

describe("comparisons of serve sections", () => {
  it("H100 against GB200 for Llama 3 70B: both have $ per million tokens, GB200's lower", () => {
    const [a, b] = [H100, GB200].map((raw) => summarizeScenario(scenarioAtMedians(raw))) as [
      ScenarioSummary,
      ScenarioSummary,
    ];
    for (const summary of [a, b]) {
      for (const key of ["servingGpus", "servingMegawatts", "usdPerMillionTokens", "ttftSeconds"]) {
        assert.ok((metricOf(summary, key) ?? 0) > 0, `${summary.name}: ${key}`);
      }
      assert.ok((metricOf(summary, "tpotSeconds") ?? 0) > 0 && (metricOf(summary, "whPerRequest") ?? 0) > 0);
      assert.equal(metricOf(summary, "stepSeconds"), undefined, "no training section, no training rows");
      assert.equal(
        summary.gpus,
        metricOf(summary, "servingGpus"),
        "without a site, the cluster is the fleet",
      );
      assert.match(summary.layout, /^serving tp\d+ pp\d+ .*batch \d+ x \d+ replicas$/);
    }
    assert.ok((metricOf(b, "usdPerMillionTokens") ?? 1) < (metricOf(a, "usdPerMillionTokens") ?? 0));
    const text = drawText(compareReport(a, b));
    assert.match(text, /\$ per million tokens\s+[\d.]+\s+[\d.]+\s+-[\d.]+% better/);
    assert.doesNotMatch(text, /step time|MFU/);
  });

  it("the CLI compares two serve files, exit 0", async () => {
    const { code, stdout, stderr } = await runCli(
      "compare",
      "examples/serve-h100-llama-70b.yaml",
      "examples/serve-gb200-llama-70b.yaml",
      "--json",
    );
    assert.equal(code, 0, stderr);
    const { a, b } = JSON.parse(stdout) as { a: ScenarioSummary; b: ScenarioSummary };
    assert.ok((metricOf(b, "usdPerMillionTokens") ?? 1) < (metricOf(a, "usdPerMillionTokens") ?? 0));
  });

  it("a serve side and a build-out side are matched row by row, by key", () => {
    const serve = summarizeScenario(scenarioAtMedians(H100));
    const buildout = summarizeScenario(scenarioAtMedians(example("budget-6b")));
    assert.equal(metricOf(buildout, "servingGpus"), undefined);
    assert.ok(!buildout.metrics.some((m) => m.key === "servingGpus"), "no serve section, no serving rows");
    const text = drawText(compareReport(buildout, serve));
    assert.match(text, /capex \(\$B\)\s+6\s+-/);
    assert.match(text, /serving GPUs\s+-\s+\d+/);
  });
});
