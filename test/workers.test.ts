import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runSweep } from "../src/cli/analyses.ts";
import type { Io } from "../src/cli/common.ts";
import { readScenario } from "../src/cli/files.ts";
import { TaskPool } from "../src/cli/task-pool.ts";
import { cliThreads } from "../src/cli/workers.ts";
import { uncertaintyOnThreads } from "../src/pipeline/uncertainty.ts";
import { toJson } from "../src/report/json.ts";
import { evaluateRun, type RunAccuracy, summarizeAccuracy } from "../src/validation/accuracy.ts";
import { calibrationHalfSplit, halfSplitErrors, halfSplitFits } from "../src/validation/calibration-check.ts";
import { leaveOutError, leaveOuts } from "../src/validation/cross-validation.ts";
import { PUBLISHED_RUNS, type PublishedRun } from "../src/validation/published-runs.ts";

// Sweep points, uncertainty samples and validate's rows, refits and half-splits on worker threads
// (task-pool.ts): the same bytes as in process whatever the thread count. From source, each thread
// compiles with tsx (test/parallel-trials.test.ts checks the built dist/ threads).

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

async function sweepJson(workers: string): Promise<string> {
  const out: string[] = [];
  const io: Io = { out: (text) => out.push(text), err: (text) => assert.fail(text) };
  const vary = ["cluster.gpus=8192,16384", "training.tokens=1e12,15.6e12"];
  const code = await runSweep("examples/llama-3-405b.yaml", { vary, json: true, workers }, io);
  assert.equal(code, 0);
  return out.join("\n");
}

describe("analyses on worker threads", () => {
  it("sweep --json prints the same bytes on 1 and 2 threads (failed points too)", async () => {
    const one = await sweepJson("1");
    assert.match(one, /"error": "the layout cannot run/);
    assert.match(one, /"daysWithFailures"/);
    assert.equal(await sweepJson("2"), one);
  });

  it("sweep refuses a thread count that is not a whole number from 1", async () => {
    await assert.rejects(
      sweepJson("0"),
      /--workers: got "0", expected a whole number of threads from 1 to 256/,
    );
  });

  it("the uncertainty analysis gives the same result for the same seed on 1 and 2 threads", async () => {
    const raw = {
      ...(readScenario("examples/llama-3-405b.yaml") as object),
      reliability: { preset: "llama-3", rateScale: "0.5..2", restartMinutes: { triangular: [3, 10, 30] } },
      uncertainty: { samples: 10, seed: 4 },
    };
    const seen: number[] = [];
    const one = await uncertaintyOnThreads(cliThreads(1), raw);
    const two = await uncertaintyOnThreads(cliThreads(2), raw, (done, total) => {
      assert.equal(total, 14);
      seen.push(done);
    });
    assert.ok(one);
    assert.equal(toJson(two), toJson(one));
    assert.deepEqual(
      seen,
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
  });
});

describe("validate on worker threads", () => {
  // Cheap runs: Korthikanti's eight (enough for a half-split) and the FSDP and DeepSpeed ones.
  const indices = PUBLISHED_RUNS.flatMap((run, index) =>
    /^(korthikanti|torchtitan|sagemaker|xtuner)-/.test(run.id) ? [index] : [],
  );
  let pool: TaskPool;
  let inProcess: RunAccuracy[];
  before(() => {
    pool = new TaskPool(2);
    inProcess = indices.map((index) => evaluateRun(PUBLISHED_RUNS[index] as PublishedRun));
  });
  after(() => pool.close());

  it("each row, then each leave-one-stack-out refit and half-split, equals the in-process one", async () => {
    const rows = await pool.run("publishedRun", indices);
    const threaded = rows.map((row, i) => ({
      run: PUBLISHED_RUNS[indices[i] as number] as PublishedRun,
      ...row,
    }));
    assert.equal(toJson(threaded), toJson(inProcess));
    const summary = summarizeAccuracy(threaded);
    assert.deepEqual(summary, summarizeAccuracy(inProcess));
    const leaves = leaveOuts(summary);
    const fits = halfSplitFits(summary);
    assert.ok(leaves.length >= 3 && fits.length >= 2);
    // Two runs sharing the threads at once, as validate runs them.
    const [leaveOutErrors, errors] = await Promise.all([
      pool.run("leaveOut", leaves),
      pool.run("halfSplit", fits),
    ]);
    assert.deepEqual(leaveOutErrors, leaves.map(leaveOutError));
    assert.deepEqual(errors, fits.map(halfSplitErrors));
    assert.deepEqual(calibrationHalfSplit(fits, errors), calibrationHalfSplit(fits));
  });

  it("a task that throws, or an input that cannot go to a thread, fails its run and closes the pool", async () => {
    const failing = new TaskPool(1);
    await assert.rejects(failing.run("publishedRun", [PUBLISHED_RUNS.length]), /no published run number/);
    await assert.rejects(failing.run("publishedRun", [0]), /closed/);
    // Inputs go to the threads as plain data: a function is refused the same way.
    const refusing = new TaskPool(1);
    await assert.rejects(refusing.run("sweepPoint", [{ raw: () => 0, values: {} }]), /could not be cloned/);
    await assert.rejects(refusing.run("publishedRun", [0]), /closed/);
  });
});
