import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readScenario } from "../src/cli/files.ts";
import { main } from "../src/cli/main.ts";
import { TrialPool } from "../src/cli/parallel-trials.ts";
import { cliThreads } from "../src/cli/workers.ts";
import { planScenario, type ScenarioPlan } from "../src/pipeline/plan.ts";
import {
  scenarioRunModel,
  simulateOnThreads,
  simulateScenario,
  withTrials,
} from "../src/pipeline/simulate.ts";
import { type SimulationResult, trialChunks } from "../src/reliability/simulate.ts";
import { type Scenario, scenarioAtMedians } from "../src/scenario/normalize.ts";

// The Monte Carlo on worker threads (simulate --workers N): the same bytes for the same seed whatever
// the thread count, from source (tsx in each thread) and from the built dist/.
const root = fileURLToPath(new URL("..", import.meta.url));
const example = "examples/colossus-100k.yaml";
process.chdir(root);

async function simulateJson(workers: number): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["simulate", example, "--json", "--workers", String(workers)], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  });
  assert.equal(code, 0, err.join("\n"));
  assert.equal(err.join(""), "");
  return out.join("\n");
}

/** A result without its wall-clock time. */
function withoutSeconds(result: SimulationResult): string {
  const { seconds, ...rest } = result;
  return JSON.stringify(rest);
}

describe("Monte Carlo on worker threads", () => {
  let scenario: Scenario;
  let plan: ScenarioPlan;
  before(() => {
    scenario = scenarioAtMedians(readScenario(example));
    plan = planScenario(scenario);
  });

  it("simulate --json prints the same bytes on 1, 2 and 4 threads", async () => {
    const one = await simulateJson(1);
    assert.equal(await simulateJson(2), one);
    assert.equal(await simulateJson(4), one);
  });

  it("the built command's threads (dist/) give the same bytes as in process", () => {
    const bin = join(root, "bin", "gigacluster.js");
    const run = (workers: string) =>
      spawnSync(process.execPath, [bin, "simulate", example, "--json", "--workers", workers], {
        cwd: root,
        encoding: "utf8",
      });
    const [one, two] = [run("1"), run("2")];
    assert.equal(two.status, 0, two.stderr);
    assert.equal(two.stdout, one.stdout);
  });

  it("reports progress in steps that reach the total", async () => {
    const seen: [number, number][] = [];
    const trials = scenario.run.simulation.trials;
    const result = await simulateOnThreads(cliThreads(2), scenario, plan, (done, total) =>
      seen.push([done, total]),
    );
    assert.equal(seen.length, trialChunks(trials).length);
    assert.deepEqual(seen.at(-1), [trials, trials]);
    for (const [i, [done]] of seen.entries()) assert.ok(i === 0 || done > (seen[i - 1]?.[0] ?? 0));
    assert.equal(withoutSeconds(result), withoutSeconds(simulateScenario(scenario, plan)));
  });

  it("runs fewer trials than threads", async () => {
    const small = withTrials(scenario, 3);
    const threaded = await simulateOnThreads(cliThreads(4), small, plan);
    assert.equal(threaded.trials, 3);
    assert.equal(withoutSeconds(threaded), withoutSeconds(simulateScenario(small, plan)));
  });

  it("stops its threads when aborted (Ctrl-C) and refuses further runs", async () => {
    const pool = new TrialPool(2);
    const controller = new AbortController();
    const model = scenarioRunModel(scenario, plan);
    const running = pool.run(model, 1, trialChunks(1000), {
      onProgress: () => controller.abort(new Error("interrupted")),
      signal: controller.signal,
    });
    await assert.rejects(running, /interrupted/);
    await assert.rejects(pool.run(model, 1, trialChunks(10)), /closed/);
  });

  it("refuses a thread count that is not a whole number from 1", async () => {
    const err: string[] = [];
    const code = await main(["simulate", example, "--workers", "0"], {
      out: () => {},
      err: (t) => err.push(t),
    });
    assert.equal(code, 1);
    assert.match(err.join(""), /--workers: got "0", expected a whole number of threads from 1 to 256/);
  });
});
