import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HARDWARE_CALIBRATIONS, type HardwareCalibration } from "../src/catalog/hardware-calibrations.ts";
import { networkDimensions, placeGroup, ringTreeNetwork } from "../src/fabric/network.ts";
import { accelerator } from "./helpers.ts";

// A hand-checkable setup: NVLink 100 GB/s, NICs 10 GB/s (80 Gb/s at a bus fraction of 1), no size
// penalty, fixed latencies.
const h100 = accelerator("h100-sxm");
const hopper = HARDWARE_CALIBRATIONS.find((h) => h.generation === "hopper") as HardwareCalibration;
const hardware: HardwareCalibration = {
  ...hopper,
  scaleUpBusFraction: 1,
  scaleOutBusFraction: 1,
  scaleUpLatencySeconds: 1e-5,
  scaleOutLatencySeconds: 2e-5,
  collectiveBaseLatencySeconds: 0,
};
const device = { ...h100, scaleUpBytesPerSecond: 100e9, scaleOutGbps: 80 };
const net = ringTreeNetwork({ accelerator: device, hardware });

describe("ring/tree network backend", () => {
  it("a group of one costs nothing, and so do zero bytes", () => {
    assert.equal(net.collectiveSeconds("all-reduce", 1e9, { size: 1, perDomain: 1, stride: 1 }), 0);
    assert.equal(net.collectiveSeconds("all-gather", 0, { size: 8, perDomain: 8, stride: 1 }), 0);
  });

  it("a ring all-gather inside one domain moves (n-1)/n of the buffer", () => {
    // 8 ranks, 1 GB: 7/8 x 1e9 / 100e9 = 8.75 ms, plus 7 latency steps of 10 us.
    const seconds = net.collectiveSeconds("all-gather", 1e9, { size: 8, perDomain: 8, stride: 1 });
    assert.ok(Math.abs(seconds - (0.00875 + 7e-5)) < 1e-12);
  });

  it("an all-reduce inside a domain costs a reduce-scatter plus an all-gather", () => {
    const group = { size: 8, perDomain: 8, stride: 1 };
    const reduceScatter = net.collectiveSeconds("reduce-scatter", 1e9, group);
    assert.ok(Math.abs(net.collectiveSeconds("all-reduce", 1e9, group) - 2 * reduceScatter) < 1e-15);
  });

  it("a group across domains adds the NIC phase on a 1/g share per GPU", () => {
    // 16 ranks, 8 per domain, 2 domains: intra 7/8 x 1e9/100e9; inter 1/2 x (1e9/8)/10e9; latencies
    // 7 x 10 us + 1 x 20 us (no fabric given: no switch latency).
    const seconds = net.collectiveSeconds("all-gather", 1e9, { size: 16, perDomain: 8, stride: 1 });
    const expected = (7 / 8) * 0.01 + 0.5 * 0.0125 + 7e-5 + 2e-5;
    assert.ok(Math.abs(seconds - expected) < 1e-12);
  });

  it("an all-reduce over many domains takes the tree when the ring's steps cost more", () => {
    const group = { size: 1024, perDomain: 1, stride: 8 };
    const small = net.collectiveSeconds("all-reduce", 1024, group);
    // Ring: 2 x 1023 steps of 20 us; tree: 2 x 10 steps plus the whole buffer twice.
    const tree = 2 * (1024 / 10e9 + 10 * 2e-5);
    assert.ok(Math.abs(small - tree) < 1e-12, `${small} vs ${tree}`);
    // All-gather has no tree: the ring's latency steps remain.
    assert.ok(net.collectiveSeconds("all-gather", 1024, group) > 1023 * 2e-5);
  });

  it("a small message is latency-bound: NCCL's base latency plus a latency per step", () => {
    const based = ringTreeNetwork({
      accelerator: device,
      hardware: { ...hardware, collectiveBaseLatencySeconds: 8e-6 },
    });
    const seconds = based.collectiveSeconds("all-gather", 8, { size: 8, perDomain: 8, stride: 1 });
    assert.ok(Math.abs(seconds - (8e-6 + 7e-5 + (7 / 8) * (8 / 100e9))) < 1e-15);
  });

  it("places a group by its stride on 8-GPU domains", () => {
    assert.deepEqual(placeGroup(8, 1, 8), { size: 8, perDomain: 8, stride: 1 });
    assert.deepEqual(placeGroup(64, 8, 8), { size: 64, perDomain: 1, stride: 8 });
    assert.deepEqual(placeGroup(32, 2, 8), { size: 32, perDomain: 4, stride: 2 });
    assert.deepEqual(placeGroup(64, 8, 72), { size: 64, perDomain: 9, stride: 8 });
  });

  const fabric = {
    distances: [
      { distance: "leaf" as const, gpus: 32, switchHops: 1, bandwidthFraction: 1 },
      { distance: "pod" as const, gpus: 3072, switchHops: 3, bandwidthFraction: 1 },
      { distance: "cluster" as const, gpus: 24576, switchHops: 5, bandwidthFraction: 1 / 7 },
    ],
    switchLatencySeconds: 1e-6,
  };

  it("lists the dimensions innermost first; a rail-optimized leaf serves a rail of 8-GPU nodes", () => {
    const dims = networkDimensions({ accelerator: device, hardware, fabric });
    assert.deepEqual(
      dims.map((d) => [d.name, d.gpus]),
      [
        ["scale-up", 8],
        ["leaf", 256],
        ["pod", 3072],
        ["cluster", 24576],
      ],
    );
    assert.equal(
      networkDimensions({ accelerator: device, hardware, fabric, railOptimized: false })[1]?.gpus,
      32,
    );
    assert.ok(Math.abs((dims[3]?.busBytesPerSecond ?? 0) - 10e9 / 7) < 1);
    assert.ok(Math.abs((dims[2]?.latencySeconds ?? 0) - (2e-5 + 3e-6)) < 1e-15);
  });

  it("slows rings across oversubscribed pods only when a pod holds too few of their members", () => {
    const big = ringTreeNetwork({ accelerator: device, hardware, fabric });
    const bytes = 8e9;
    const transfer = (group: { size: number; perDomain: number; stride: number }) =>
      big.collectiveSeconds("all-gather", bytes, group);
    // 128 members at stride 128 span 16,384 GPUs: 24 in each 3,072-GPU pod, more than 7: full speed.
    const wide = placeGroup(128, 128, 8);
    const ideal = (127 / 128) * (bytes / 10e9);
    assert.ok(Math.abs(transfer(wide) - ideal - 127 * (2e-5 + 5e-6)) < 1e-9);
    // Stride 1,024: 3 members per pod, so each pod's uplinks carry 7/3 of what they can.
    const sparse = placeGroup(16, 1024, 8);
    assert.ok(
      Math.abs(transfer(sparse) - (15 / 16) * (bytes / (10e9 * (3 / 7))) - 15 * (2e-5 + 5e-6)) < 1e-9,
    );
  });

  it("point-to-point inside a domain uses NVLink, across domains a NIC", () => {
    assert.ok(Math.abs(net.pointToPointSeconds(1e9, 4) - (0.01 + 1e-5)) < 1e-12);
    assert.ok(Math.abs(net.pointToPointSeconds(1e9, 8) - (0.1 + 2e-5)) < 1e-12);
  });
});
