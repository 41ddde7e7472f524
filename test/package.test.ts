import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

// The package as another project sees it: its entry point (package.json `exports`, the built dist/).
const root = fileURLToPath(new URL("..", import.meta.url));

describe("the package's front door", () => {
  it("a scratch project imports gigacluster and runs a plan", () => {
    const project = mkdtempSync(join(tmpdir(), "gigacluster-user-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(root, join(project, "node_modules", "gigacluster"), "dir");
    writeFileSync(
      join(project, "plan.mjs"),
      [
        'import { loadScenario, planScenario, STEP_TERMS } from "gigacluster";',
        "const scenario = loadScenario(`model: llama-3-8b",
        "training: { sequenceLength: 4096, globalBatchSequences: 256 }",
        "cluster: { accelerator: h100-sxm, gpus: 64 }`);",
        "const { plan } = planScenario(scenario);",
        "console.log(JSON.stringify({ seconds: plan.step.seconds, gpus: plan.layout.dp * plan.layout.tp * plan.layout.pp * plan.layout.cp, label: STEP_TERMS.matmul.label }));",
      ].join("\n"),
    );
    const run = spawnSync(process.execPath, ["plan.mjs"], { cwd: project, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { seconds: number; gpus: number; label: string };
    assert.equal(out.gpus, 64);
    assert.ok(out.seconds > 0 && Number.isFinite(out.seconds));
    assert.equal(out.label, "matrix math (GEMMs)");
  });
});
