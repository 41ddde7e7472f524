import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allGatherSeconds,
  allReduceSeconds,
  placeGroup,
  scaleOutShare,
} from "../src/parallel/collectives.ts";

const net = {
  scaleUpBytesPerSecond: 100e9,
  scaleOutBytesPerSecond: 10e9,
  scaleUpLatencySeconds: 1e-5,
  scaleOutLatencySeconds: 2e-5,
};

describe("collectives", () => {
  it("a group of one costs nothing", () => {
    assert.equal(allReduceSeconds(1e9, { size: 1, perDomain: 1, stride: 1 }, net), 0);
  });

  it("a ring all-gather inside one domain moves (n-1)/n of the buffer", () => {
    // 8 ranks, 1 GB: 7/8 x 1e9 / 100e9 = 8.75 ms, plus 7 latency steps of 10 us.
    const seconds = allGatherSeconds(1e9, { size: 8, perDomain: 8, stride: 1 }, net);
    assert.ok(Math.abs(seconds - (0.00875 + 7e-5)) < 1e-12);
  });

  it("an all-reduce costs a reduce-scatter plus an all-gather", () => {
    const group = { size: 8, perDomain: 8, stride: 1 };
    assert.equal(allReduceSeconds(1e9, group, net), 2 * allGatherSeconds(1e9, group, net));
  });

  it("a group across domains adds the NIC phase on a 1/g share per GPU", () => {
    // 16 ranks, 8 per domain, 2 domains: intra 7/8 x 1e9/100e9; inter 1/2 x (1e9/8)/10e9; latencies 7 x 10 us + 1 x 20 us.
    const seconds = allGatherSeconds(1e9, { size: 16, perDomain: 8, stride: 1 }, net);
    const expected = (7 / 8) * 0.01 + 0.5 * 0.0125 + 7e-5 + 2e-5;
    assert.ok(Math.abs(seconds - expected) < 1e-12);
  });

  it("long rings pay tree-like latency, not one step per rank", () => {
    const small = allGatherSeconds(1, { size: 1024, perDomain: 1, stride: 1 }, net);
    assert.ok(small < 1023 * net.scaleOutLatencySeconds);
  });

  it("places a group by its stride on 8-GPU domains", () => {
    assert.deepEqual(placeGroup(8, 1, 8), { size: 8, perDomain: 8, stride: 1 });
    assert.deepEqual(placeGroup(64, 8, 8), { size: 64, perDomain: 1, stride: 8 });
    assert.deepEqual(placeGroup(32, 2, 8), { size: 32, perDomain: 4, stride: 2 });
    assert.deepEqual(placeGroup(64, 8, 72), { size: 64, perDomain: 9, stride: 8 });
  });

  it("slows rings across oversubscribed pods only when a pod holds too few of their members", () => {
    const fabric = {
      leafGpus: 256,
      podGpus: 3072,
      podFraction: 1,
      podOversubscription: 7,
      switchLatencySeconds: 1e-6,
    };
    const withFabric = { ...net, fabric };
    assert.equal(scaleOutShare(placeGroup(16, 8, 8), withFabric), 1);
    // 128 members at stride 128 span 16,384 GPUs: 24 of them in each 3,072-GPU pod, more than 7.
    assert.equal(scaleOutShare(placeGroup(128, 128, 8), withFabric), 1);
    // Stride 1,024: 3 members per pod, so each pod's uplinks carry 7/3 of what they can.
    assert.ok(Math.abs(scaleOutShare(placeGroup(16, 1024, 8), withFabric) - 3 / 7) < 1e-12);
    assert.equal(scaleOutShare(placeGroup(128, 128, 8), net), 1);
  });

  it("adds the switch hops of the farthest distance a group spans to each step's latency", () => {
    const fabric = {
      leafGpus: 256,
      podGpus: 3072,
      podFraction: 1,
      podOversubscription: 1,
      switchLatencySeconds: 1e-6,
    };
    const tiny = 1;
    const withinLeaf = allGatherSeconds(tiny, placeGroup(16, 8, 8), { ...net, fabric });
    const acrossPods = allGatherSeconds(tiny, placeGroup(16, 1024, 8), { ...net, fabric });
    const plain = allGatherSeconds(tiny, placeGroup(16, 8, 8), net);
    // 16 domains: min(15, 2 x 4) = 8 latency steps; 1 hop within a leaf, 5 across pods.
    assert.ok(Math.abs(withinLeaf - plain - 8 * 1e-6) < 1e-12);
    assert.ok(Math.abs(acrossPods - plain - 8 * 5e-6) < 1e-9);
  });
});
