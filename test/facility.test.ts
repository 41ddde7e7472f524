import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { lookup } from "../src/catalog/lookup.ts";
import { NETWORK_GEAR } from "../src/catalog/network-gear.ts";
import { PLATFORMS } from "../src/catalog/platforms.ts";
import { SITES } from "../src/catalog/sites.ts";
import { sizeFabric } from "../src/fabric/clos.ts";
import { buildout } from "../src/facility/buildout.ts";
import { largestWithin } from "../src/facility/inverse.ts";
import { buildoutScenario } from "../src/pipeline/buildout.ts";
import { planScenario } from "../src/pipeline/plan.ts";
import { simulateScenario } from "../src/pipeline/simulate.ts";
import { loadScenario } from "../src/scenario/normalize.ts";
import { accelerator, relativeError } from "./helpers.ts";

const site = (name: string) => lookup(SITES, name, "site", "site");
const h100 = {
  accelerator: accelerator("h100-sxm"),
  platform: lookup(PLATFORMS, "hgx-h100", "", ""),
  gear: lookup(NETWORK_GEAR, "infiniband-ndr", "", ""),
  site: site("generic-2025"),
};
const quantum2 = {
  radix: 64,
  portGbps: 400,
  leafOversubscription: 1,
  podGpus: 0,
  podOversubscription: 1,
  linksPerSwitchTransceiver: 2,
  opticalNicLinks: true,
};

describe("published facility figures", () => {
  it("an 8-GPU H100 server peaks at DGX H100's 10.2 kW (NVIDIA DGX H100 user guide)", () => {
    const one = buildout({ ...h100, gpus: 8 });
    assert.equal(one.power.peakWatts.gpus + one.power.peakWatts.serverOther, 10200);
  });

  it("sizes InfiniBand fabrics as NVIDIA's SuperPOD reference architecture counts them", () => {
    // NVIDIA DGX SuperPOD B200 reference architecture: leaf / spine / core switches by scalable units.
    const table: [number, number[]][] = [
      [512, [16, 8]],
      [1024, [32, 16]],
      [2048, [64, 32]],
      [4096, [128, 128, 64]],
      [8192, [256, 256, 128]],
      [16384, [512, 512, 256]],
    ];
    for (const [gpus, switches] of table) {
      const fabric = sizeFabric(gpus, quantum2);
      assert.deepEqual(
        fabric.tierDetail.map((t) => t.switches),
        switches,
        `${gpus} GPUs`,
      );
    }
  });

  it("reproduces the Llama 3 cluster: 3,072-GPU pods joined at 1:7 (arXiv 2407.21783, section 3.3.1)", () => {
    const fabric = sizeFabric(24576, { ...quantum2, radix: 128, podGpus: 3072, podOversubscription: 7 });
    assert.equal(fabric.tiers, 3);
    const pod = fabric.distances.find((d) => d.distance === "pod");
    const cluster = fabric.distances.find((d) => d.distance === "cluster");
    assert.equal(pod?.gpus, 3072);
    assert.equal(pod?.bandwidthFraction, 1);
    assert.ok(cluster && Math.abs(cluster.bandwidthFraction - 1 / 7) < 1e-12);
  });

  it("puts Colossus's 100,000 H100 within 15% of its reported 150 MW grid supply at training draw", () => {
    // Greater Memphis Chamber via Tom's Hardware (8 May 2025): a 150 MW substation feeds Colossus.
    const colossus = site("colossus-100k");
    const result = buildout({
      accelerator: accelerator("h100-sxm"),
      platform: lookup(PLATFORMS, colossus.platform ?? "", "", ""),
      gear: lookup(NETWORK_GEAR, colossus.network, "", ""),
      site: colossus,
      gpus: 100000,
    });
    assert.ok(
      relativeError(result.power.typicalFacilityMegawatts, 150) < 0.15,
      `${result.power.typicalFacilityMegawatts} MW`,
    );
    // ServeTheHome's tour: 64 GPUs per rack, about 1,500 racks.
    assert.equal(result.serversPerRack * 8, 64);
    assert.ok(relativeError(result.racks, 1500) < 0.1);
  });

  it("puts Colossus 2's ~110,000 GB200 within 15% of its ~200 MW of reported cooling at training draw", () => {
    // SemiAnalysis (16 Sept 2025): 119 air-cooled chillers, ~200 MW of cooling, by 22 Aug 2025.
    const colossus2 = site("colossus-2");
    const result = buildout({
      accelerator: accelerator("gb200"),
      platform: lookup(PLATFORMS, colossus2.platform ?? "", "", ""),
      gear: lookup(NETWORK_GEAR, colossus2.network, "", ""),
      site: colossus2,
      gpus: colossus2.gpus ?? 0,
    });
    const heatMegawatts = result.power.typicalWatts.total / 1e6;
    assert.ok(relativeError(heatMegawatts, 200) < 0.15, `${heatMegawatts} MW`);
    // One GB200 NVL72 per rack: 72 GPUs in each of ~1,528 racks.
    assert.equal(result.serversPerRack, 1);
    assert.equal(result.racks, Math.ceil(110000 / 72));
  });

  it("an 8-GPU B300 server peaks at DGX B300's 14.5 kW (NVIDIA DGX B300 data-center best practices)", () => {
    const one = buildout({
      ...h100,
      accelerator: accelerator("b300"),
      platform: lookup(PLATFORMS, "hgx-b300", "", ""),
      gpus: 8,
    });
    assert.equal(one.power.peakWatts.gpus + one.power.peakWatts.serverOther, 14500);
  });

  it("a two-tier Quantum-X800 fabric reaches 10,368 GPUs at 800G: 144 leaves under 72 spines", () => {
    const xdr = lookup(NETWORK_GEAR, "infiniband-xdr", "", "");
    const design = {
      ...quantum2,
      radix: xdr.switch.ports,
      portGbps: xdr.switch.portGbps,
      linksPerSwitchTransceiver: xdr.switchTransceiver.links,
    };
    const largest = sizeFabric(10368, design);
    assert.equal(largest.tiers, 2);
    assert.deepEqual(
      largest.tierDetail.map((t) => t.switches),
      [144, 72],
    );
    assert.equal(sizeFabric(10369, design).tiers, 3);
  });

  it("Spectrum-X800 gives each 800G GPU link a module at both ends (2x400G twin-ports, one link each)", () => {
    const gb300 = site("stargate-uae-200mw");
    const on = (network: string) =>
      buildout({
        accelerator: accelerator("gb300"),
        platform: lookup(PLATFORMS, "gb300-nvl72", "", ""),
        gear: lookup(NETWORK_GEAR, network, "", ""),
        site: gb300,
        gpus: 72 * 64,
      }).network;
    const x800 = on("spectrum-x800");
    assert.equal(x800.endpoints, 72 * 64, "one 800G link per GPU");
    assert.equal(x800.transceivers, 2 * x800.links);
    // The 400G family packs two links into each switch-side module: fewer modules for the same links.
    const x400 = on("spectrum-x");
    assert.equal(x400.links, x800.links);
    assert.ok(x400.transceivers < x800.transceivers);
  });

  it("charges the building at Cushman & Wakefield's $11.7M per MW of critical IT load", () => {
    const result = buildout({ ...h100, gpus: 16384 });
    assert.ok(
      relativeError(result.cost.capexBreakdownUsd.facility, result.power.itMegawatts * 11.7e6) < 1e-12,
    );
  });

  it("turns 500,000 chips a year into gigawatts", () => {
    const result = buildout({ ...h100, gpus: 500000 });
    assert.ok(result.power.facilityMegawatts > 500 && result.power.facilityMegawatts < 1500);
  });
});

describe("build-out invariants", () => {
  const budgets = fc.tuple(
    fc.double({ min: 5e6, max: 2e10, noNaN: true }),
    fc.double({ min: 1, max: 3, noNaN: true }),
  );

  it("more budget never buys fewer GPUs", () => {
    fc.assert(
      fc.property(budgets, ([usd, factor]) => {
        const small = largestWithin(h100, { usd }).result.gpus;
        const large = largestWithin(h100, { usd: usd * factor }).result.gpus;
        assert.ok(large >= small);
      }),
      { numRuns: 60 },
    );
  });

  it("a power envelope and a budget together buy no more than either alone", () => {
    fc.assert(
      fc.property(budgets, ([usd, factor]) => {
        const megawatts = factor * 30;
        const both = largestWithin(h100, { usd, megawatts }).result.gpus;
        assert.ok(both <= largestWithin(h100, { usd }).result.gpus);
        assert.ok(both <= largestWithin(h100, { megawatts }).result.gpus);
      }),
      { numRuns: 40 },
    );
  });

  it("the fabric has a port for every GPU NIC and every link, and power never falls as GPUs are added", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(32, 64, 128),
        fc.constantFrom(1, 2, 3),
        fc.constantFrom(1, 7),
        (gpus, extra, radix, leafOversubscription, podOversubscription) => {
          const design = { ...quantum2, radix, leafOversubscription, podOversubscription };
          const fabric = sizeFabric(gpus, design);
          const ports = fabric.switches * radix;
          const linkEnds = gpus + 2 * (fabric.links - gpus);
          assert.ok(ports >= linkEnds, `${ports} ports for ${linkEnds} link ends`);
          const leaf = fabric.tierDetail[0];
          assert.ok(leaf && leaf.switches * radix >= gpus);
          const before = buildout({ ...h100, gpus }).power;
          const after = buildout({ ...h100, gpus: gpus + extra }).power;
          assert.ok(
            after.itMegawatts >= before.itMegawatts && after.facilityMegawatts >= before.facilityMegawatts,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("one generic site for every stage", () => {
  const trained = `
model: llama-3-70b
training: { sequenceLength: 8192, globalBatchSequences: 1152, tokens: 1e12 }
cluster: { accelerator: gb200, gpus: 4608 }
simulation: { trials: 50 }
`;

  it("builds a plain cluster (no site, no budget) as plan does", () => {
    const scenario = loadScenario("cluster: { accelerator: h100-sxm, gpus: 100000 }\n");
    const report = buildoutScenario(scenario.facility);
    assert.equal(report.result.gpus, 100_000);
    assert.equal(report.site.name, "generic-2025");
  });

  it("builds a GB200 budget with no site: the rack-scale system brings its own rack", () => {
    const scenario = loadScenario("cluster: { accelerator: gb200 }\nbudget: { usd: 1e9 }\n");
    const report = buildoutScenario(scenario.facility);
    assert.equal(report.sizedBy, "budget");
    assert.ok(report.result.gpus > 10_000 && report.result.cost.capexUsd <= 1e9);
  });

  it("keeps a rack limit the user set", () => {
    assert.throws(
      () =>
        buildoutScenario(
          loadScenario("cluster: { accelerator: gb200, gpus: 72 }\nsite: { rackKilowatts: 40 }\n").facility,
        ),
      /rack/,
    );
  });

  it("gives the same checkpoint and run figures whether or not the generic site is written out", () => {
    const runOf = (text: string) => {
      const scenario = loadScenario(text);
      return simulateScenario(scenario, planScenario(scenario));
    };
    const implicit = runOf(trained);
    const explicit = runOf(`${trained}site: generic-2025\n`);
    assert.deepEqual(explicit.checkpoint, implicit.checkpoint);
    assert.deepEqual(explicit.days, implicit.days);
    assert.deepEqual(explicit.costUsd, implicit.costUsd);
  });
});
