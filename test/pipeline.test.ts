import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pipelineBubbleSeconds, stagePartition } from "../src/parallel/pipeline.ts";
import { exposedBucketedSeconds } from "../src/parallel/step-time.ts";

describe("pipeline stages", () => {
  it("an even split takes layers from the end stages first (Llama 3 405B: 7, 8 x 14, 7)", () => {
    assert.deepEqual(stagePartition(126, 16, "even", 0), { first: 7, last: 7, middleMax: 8 });
    assert.deepEqual(stagePartition(96, 8, "even", 0), { first: 12, last: 12, middleMax: 12 });
    assert.deepEqual(stagePartition(9, 1, "even", 5), { first: 9, last: 9, middleMax: 9 });
  });

  it("a balanced split moves layers off the stage that also runs the output layer", () => {
    // 32 layers on 4 stages, the output layer worth 2 layers: 9 + 9 + 8 + (6 + 2) -> max 8.5 ideal.
    const split = stagePartition(32, 4, "balanced", 2);
    assert.equal(split.last, 6);
    assert.ok(split.middleMax <= 9 && split.first <= split.middleMax);
    assert.equal(split.first + 2 * split.middleMax + split.last >= 32, true);
    // Hand-worked: every stage's time is at most 9 layers; the even split's last stage takes 10.
    assert.ok(Math.max(split.middleMax, split.last + 2) <= 9);
    const even = stagePartition(32, 4, "even", 2);
    assert.equal(even.last + 2, 10);
  });

  it("user-set end stages leave the rest to the middle stages", () => {
    assert.deepEqual(stagePartition(126, 16, "even", 0, { firstStageLayers: 6, lastStageLayers: 6 }), {
      first: 6,
      last: 6,
      middleMax: 9,
    });
    assert.deepEqual(stagePartition(80, 4, "balanced", 3, { lastStageLayers: 14 }), {
      first: 22,
      last: 14,
      middleMax: 22,
    });
  });

  it("bubbles: 1F1B (p-1)(F+B)/v, zero-bubble a third of it, DualPipe (p/2-1)(F+B/2)", () => {
    // F = 1, B = 2 per micro-batch on a stage, 8 stages.
    assert.equal(pipelineBubbleSeconds("1f1b", 8, 1, 1, 2), 21);
    assert.equal(pipelineBubbleSeconds("1f1b", 8, 3, 1, 2), 7);
    assert.equal(pipelineBubbleSeconds("zero-bubble", 8, 1, 1, 2), 7);
    assert.equal(pipelineBubbleSeconds("dualpipe", 8, 1, 1, 2), 3 * (3 + 2 - 3));
    assert.equal(pipelineBubbleSeconds("1f1b", 1, 1, 1, 2), 0);
  });
});

describe("bucketed overlap", () => {
  it("a fast stream hides all but its last bucket", () => {
    // 10 buckets of 0.1 s under 10 s of backward: the last bucket (0.1 s) is exposed.
    assert.ok(Math.abs(exposedBucketedSeconds(1, 10, 10, true, 0) - 0.1) < 1e-12);
  });
  it("a slow stream spills past the window by the difference plus one bucket of compute", () => {
    // 10 s of comm, 4 s of compute in 4 buckets: the stream starts after the first 1 s bucket: 10 + 1 - 4.
    assert.ok(Math.abs(exposedBucketedSeconds(10, 4, 4, true, 0) - 7) < 1e-12);
  });
  it("without overlap all of it is exposed; hidden time is taxed; never more than the traffic", () => {
    assert.equal(exposedBucketedSeconds(3, 10, 10, false, 0.1), 3);
    assert.ok(Math.abs(exposedBucketedSeconds(1, 10, 10, true, 0.1) - (0.1 + 0.1 * 0.9)) < 1e-12);
    for (const [comm, window, buckets] of [
      [5, 1, 1],
      [0.5, 100, 3],
      [2, 2, 7],
    ] as const) {
      const exposed = exposedBucketedSeconds(comm, window, buckets, true, 0);
      assert.ok(exposed >= 0 && exposed <= comm);
    }
  });
});
