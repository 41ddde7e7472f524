import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHTML } from "linkedom";
import { planLayout } from "../src/parallel/plan.ts";
import { losesBy } from "../src/parallel/search.ts";
import { planScenario } from "../src/pipeline/plan.ts";
import { simulateScenario, withTrials } from "../src/pipeline/simulate.ts";
import { runPercentiles } from "../src/reliability/simulate.ts";
import { drawText } from "../src/report/document.ts";
import {
  COST_TERMS,
  MEMORY_TERMS,
  OPEX_TERMS,
  POWER_TERMS,
  RUN_TERMS,
  STEP_TERMS,
  termKeys,
} from "../src/report/glossary.ts";
import { planReport } from "../src/report/plan-report.ts";
import { loadScenario } from "../src/scenario/normalize.ts";
import { planView } from "../web/src/views.ts";

const sameKeys = (object: object, terms: object) =>
  assert.deepEqual(Object.keys(object).sort(), termKeys(terms as Record<string, never>).sort());

// Mixtral 8x22B with experts spread over eight GPUs: its step has expert-parallel all-to-all time.
const mixtral = loadScenario(`
model: mixtral-8x22b
training: { sequenceLength: 4096, globalBatchSequences: 1024, tokens: 1e11 }
cluster: { accelerator: h100-sxm, gpus: 256 }
layout: { ep: 8 }
site: generic-2025
`);
const mixtralPlan = planScenario(mixtral);
const EP_LABEL = STEP_TERMS.expertParallelComm.label;

describe("glossary: one entry per key of every breakdown", () => {
  it("step, memory, power, cost, opex and run figures all have a label and help, none missing, none extra", () => {
    const { plan, buildout } = mixtralPlan;
    sameKeys(plan.step.breakdown, STEP_TERMS);
    sameKeys(plan.memory.perGpuBytes, MEMORY_TERMS);
    assert.ok(buildout);
    sameKeys(buildout.result.power.peakWatts, POWER_TERMS);
    sameKeys(buildout.result.cost.capexBreakdownUsd, COST_TERMS);
    sameKeys(buildout.result.cost.opexBreakdownUsdPerYear, OPEX_TERMS);
    sameKeys(runPercentiles(simulateScenario(withTrials(mixtral, 20), mixtralPlan)), RUN_TERMS);
    for (const terms of [STEP_TERMS, MEMORY_TERMS, POWER_TERMS, COST_TERMS, OPEX_TERMS, RUN_TERMS]) {
      for (const term of Object.values(terms)) assert.ok(term.label.length > 0 && term.help.length > 0);
    }
  });

  it("a mixture-of-experts plan names expert-parallel all-to-all in its text, Markdown and web table", () => {
    assert.ok(mixtralPlan.plan.step.breakdown.expertParallelComm > 0);
    const report = planReport(mixtralPlan);
    const label = EP_LABEL.replace(/[()]/g, "\\$&");
    assert.match(drawText(report), new RegExp(`${label}\\s+\\d`));
    assert.match(drawText(report, { format: "markdown", colour: false }), new RegExp(`\\| ${label} \\|`));
    const { document } = parseHTML("<!doctype html><html><body></body></html>");
    (globalThis as { document?: unknown }).document = document;
    const html = planView(mixtralPlan);
    assert.ok(html.includes(`>${EP_LABEL}<`), "the web step table has the expert-parallel row");
    assert.ok(!html.includes(">expertParallelComm<"));
  });

  it("'loses by' names expert-parallel all-to-all when that is the difference", () => {
    const deepseek = loadScenario(`
model: deepseek-v3
training: { sequenceLength: 4096, globalBatchSequences: 1024 }
cluster: { accelerator: h100-sxm, gpus: 1024 }
`);
    const planWith = (ep: number) =>
      planLayout({
        model: deepseek.model ?? assert.fail("a model"),
        training: deepseek.training ?? assert.fail("training"),
        cluster: { ...deepseek.cluster, gpus: 1024 },
        layout: {
          tp: 2,
          pp: 16,
          cp: 1,
          dp: 32,
          ep,
          microBatch: 1,
          virtualStages: 3,
          recompute: "none",
          zero: 2,
          sequenceParallel: true,
        },
      });
    // Experts over 32 GPUs instead of 16: the all-to-all spans more nodes of the network.
    const why = losesBy(planWith(32), planWith(16));
    assert.equal(why[0]?.term, "expertParallelComm");
  });
});
