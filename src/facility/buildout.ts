import type { Accelerator } from "../catalog/accelerators.ts";
import type { NetworkGear } from "../catalog/network-gear.ts";
import type { Platform } from "../catalog/platforms.ts";
import type { Site } from "../catalog/sites.ts";
import { InputError } from "../errors.ts";
import { type FabricSize, sizeFabric } from "../fabric/clos.ts";
import { HOURS_PER_YEAR } from "../units.ts";

// The forward build-out: GPUs -> servers -> racks -> fabric -> storage -> power -> cost.

export interface BuildoutInput {
  readonly accelerator: Accelerator;
  readonly platform: Platform;
  readonly gear: NetworkGear;
  readonly site: Site;
  readonly gpus: number;
}

export interface PowerBreakdown {
  readonly gpus: number;
  /** CPUs, memory, NICs, NVSwitches, fans and drives of the GPU servers. */
  readonly serverOther: number;
  readonly switches: number;
  readonly optics: number;
  readonly storage: number;
  readonly total: number;
}

export interface CostBreakdown {
  readonly servers: number;
  readonly switches: number;
  readonly optics: number;
  readonly storage: number;
  /** Building, power and cooling, per MW of critical IT load. */
  readonly facility: number;
  readonly total: number;
}

export interface BuildoutResult {
  readonly accelerator: string;
  readonly platform: string;
  readonly gpus: number;
  readonly servers: number;
  readonly racks: number;
  readonly serversPerRack: number;
  readonly network: FabricSize & {
    readonly switchModel: string;
    readonly transceiverModel: string;
    readonly switchLatencySeconds: number;
  };
  readonly storageTerabytes: number;
  readonly power: {
    /** Watts by component at peak draw (what the facility is built for). */
    readonly peakWatts: PowerBreakdown;
    /** Watts by component at typical training draw (what the meter bills). */
    readonly typicalWatts: PowerBreakdown;
    readonly itMegawatts: number;
    readonly facilityMegawatts: number;
    readonly typicalFacilityMegawatts: number;
    readonly pue: number;
  };
  readonly cost: {
    readonly capexUsd: number;
    readonly capexBreakdownUsd: CostBreakdown;
    readonly opexUsdPerYear: number;
    readonly opexBreakdownUsdPerYear: { readonly electricity: number; readonly maintenance: number };
    readonly capexUsdPerYear: number;
    readonly usdPerGpuHour: number;
  };
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

export function buildout(input: BuildoutInput): BuildoutResult {
  const { platform, gear, site, accelerator } = input;
  const servers = Math.ceil(input.gpus / platform.gpusPerServer);
  const gpus = servers * platform.gpusPerServer;

  // Racks: as many servers as the rack's power and cooling limit (and its height) allow.
  const rackWatts = site.rackKilowatts * 1000;
  if (platform.serverMaxWatts > rackWatts) {
    throw new InputError(
      "site.rackKilowatts",
      site.rackKilowatts,
      `at least ${(platform.serverMaxWatts / 1000).toFixed(1)} kW, the draw of one ${platform.displayName}`,
    );
  }
  const serversPerRack = Math.max(
    1,
    Math.min(
      Math.floor(rackWatts / platform.serverMaxWatts),
      Math.floor(site.rackUnits / platform.rackUnits),
    ),
  );
  const racks = Math.ceil(servers / serversPerRack);

  // Links run at the NIC's speed when the switch ports are at least as fast (split into several links
  // per port); a NIC faster than a port takes several links.
  const linkGbps = Math.min(accelerator.scaleOutGbps, gear.switch.portGbps);
  const linksPerGpu = Math.ceil(accelerator.scaleOutGbps / linkGbps);
  const nicLinks = gpus * linksPerGpu;
  const fabric = sizeFabric(nicLinks, {
    radix: gear.switch.ports * Math.floor(gear.switch.portGbps / linkGbps),
    portGbps: linkGbps,
    leafOversubscription: site.fabric.leafOversubscription,
    podGpus: site.fabric.podGpus,
    podOversubscription: site.fabric.podOversubscription,
    linksPerSwitchTransceiver: gear.switchTransceiver.links,
    opticalNicLinks: site.fabric.opticalNicLinks,
  });
  const nicTransceivers = site.fabric.opticalNicLinks ? nicLinks : 0;
  const switchTransceivers = fabric.transceivers - nicTransceivers;
  const storageTerabytes = gpus * site.storageTerabytesPerGpu;

  const gpuPeak = gpus * accelerator.tdpWatts;
  const gpuTypical = gpuPeak * platform.typicalGpuFraction;
  const otherPeak = servers * platform.serverMaxWatts - gpuPeak;
  const switchWatts = fabric.switches * gear.switch.watts;
  const opticsWatts =
    switchTransceivers * gear.switchTransceiver.watts + nicTransceivers * gear.nicTransceiver.watts;
  const storageWatts = storageTerabytes * site.storageWattsPerTerabyte;
  const peakWatts = {
    gpus: gpuPeak,
    serverOther: otherPeak,
    switches: switchWatts,
    optics: opticsWatts,
    storage: storageWatts,
  };
  const typicalWatts = {
    ...peakWatts,
    gpus: gpuTypical,
    serverOther: otherPeak * platform.typicalOtherFraction,
  };
  const itPeak = sum(peakWatts);
  const itTypical = sum(typicalWatts);
  const itMegawatts = itPeak / 1e6;

  const capex = {
    servers: servers * platform.priceUsd,
    switches: fabric.switches * gear.switch.priceUsd,
    optics:
      switchTransceivers * gear.switchTransceiver.priceUsd + nicTransceivers * gear.nicTransceiver.priceUsd,
    storage: storageTerabytes * site.storageUsdPerTerabyte,
    facility: itMegawatts * site.facilityUsdPerItMegawatt,
  };
  const hardware = capex.servers + capex.switches + capex.optics + capex.storage;
  const electricity = (itTypical / 1e6) * site.pue * HOURS_PER_YEAR * site.electricityUsdPerMegawattHour;
  const maintenance = hardware * site.maintenanceFractionPerYear;
  const capexUsdPerYear = hardware / site.hardwareYears + capex.facility / site.facilityYears;
  const opexTotal = electricity + maintenance;
  const gpuHoursPerYear = gpus * HOURS_PER_YEAR * site.utilization;
  return {
    accelerator: accelerator.name,
    platform: platform.name,
    gpus,
    servers,
    racks,
    serversPerRack,
    network: {
      ...fabric,
      switchModel: gear.switch.name,
      transceiverModel: gear.switchTransceiver.name,
      switchLatencySeconds: gear.switch.latencySeconds,
    },
    storageTerabytes,
    power: {
      peakWatts: { ...peakWatts, total: itPeak },
      typicalWatts: { ...typicalWatts, total: itTypical },
      itMegawatts,
      facilityMegawatts: itMegawatts * site.pue,
      typicalFacilityMegawatts: (itTypical / 1e6) * site.pue,
      pue: site.pue,
    },
    cost: {
      capexUsd: sum(capex),
      capexBreakdownUsd: { ...capex, total: sum(capex) },
      opexUsdPerYear: opexTotal,
      opexBreakdownUsdPerYear: { electricity, maintenance },
      capexUsdPerYear,
      usdPerGpuHour: (capexUsdPerYear + opexTotal) / gpuHoursPerYear,
    },
  };
}
