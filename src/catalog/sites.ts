import type { Source } from "./source.ts";

/** How the scale-out fabric is laid out (the switch model comes from the network family). */
export interface FabricPlan {
  readonly leafOversubscription: number;
  /** GPUs per full-bisection pod; 0: the tree's natural pod. */
  readonly podGpus: number;
  readonly podOversubscription: number;
  readonly opticalNicLinks: boolean;
}

/** Facility assumptions and, for a real site, what it holds. Every field can be overridden inline. */
export interface Site {
  readonly name: string;
  readonly displayName: string;
  readonly accelerator?: string;
  readonly gpus?: number;
  readonly platform?: string;
  readonly network: string;
  readonly pue: number;
  /** Power and cooling limit per rack. */
  readonly rackKilowatts: number;
  readonly rackUnits: number;
  readonly fabric: FabricPlan;
  readonly storageTerabytesPerGpu: number;
  readonly storageWattsPerTerabyte: number;
  readonly storageUsdPerTerabyte: number;
  /** Construction of building, power and cooling per MW of critical IT load. */
  readonly facilityUsdPerItMegawatt: number;
  readonly electricityUsdPerMegawattHour: number;
  readonly maintenanceFractionPerYear: number;
  /** Straight-line amortization of IT hardware and of the building. */
  readonly hardwareYears: number;
  readonly facilityYears: number;
  /** Share of hours the GPUs are sold or used, for $/GPU-hour. */
  readonly utilization: number;
  /** A power envelope the site is built to, when it is defined by megawatts rather than GPUs. */
  readonly powerMegawatts?: number;
  /** Published figures about the real site, for checks. */
  readonly reported?: { readonly facilityMegawatts?: number; readonly note: string };
  readonly sources: Readonly<Record<string, Source>>;
}

const GENERIC: Site = {
  name: "generic-2025",
  displayName: "Generic 2025 AI data center (assumptions only)",
  network: "infiniband-ndr",
  pue: 1.3,
  rackKilowatts: 40,
  rackUnits: 42,
  fabric: { leafOversubscription: 1, podGpus: 0, podOversubscription: 1, opticalNicLinks: true },
  storageTerabytesPerGpu: 10,
  storageWattsPerTerabyte: 25,
  storageUsdPerTerabyte: 100,
  facilityUsdPerItMegawatt: 11.7e6,
  electricityUsdPerMegawattHour: 80.6,
  maintenanceFractionPerYear: 0.03,
  hardwareYears: 5,
  facilityYears: 15,
  utilization: 0.9,
  sources: {
    pue: {
      ref: "between the Uptime Institute 2023 average (1.58) and liquid-cooled AI halls (1.1-1.2)",
      kind: "estimate",
    },
    rackKilowatts: { ref: "a dense air-cooled rack; liquid cooling allows 80-130 kW", kind: "estimate" },
    storageTerabytesPerGpu: {
      ref: "Llama 3 (arXiv 2407.21783) section 3.3.1: 240 PB of Tectonic storage for 24K GPUs",
      kind: "derived",
    },
    storageWattsPerTerabyte: {
      ref: "estimate: ~1 kW per 32 TB all-flash server (Llama 3: 240 PB on 7,500 servers)",
      kind: "estimate",
    },
    storageUsdPerTerabyte: { ref: "estimate: all-flash storage servers at ~$0.10/GB", kind: "estimate" },
    facilityUsdPerItMegawatt: {
      ref: "Cushman & Wakefield, Data Center Development Cost Guide 2025: $9.3-15.0M per MW of critical load, 19-market average $11.7M (excludes land and IT)",
      kind: "paper",
    },
    electricityUsdPerMegawattHour: {
      ref: "US EIA: average industrial price 8.06 cents/kWh in 2023",
      kind: "paper",
    },
    maintenanceFractionPerYear: {
      ref: "estimate: hardware support contracts at ~3% of purchase a year",
      kind: "estimate",
    },
    hardwareYears: {
      ref: "hyperscaler server depreciation of 5-6 years (company filings 2022-2024)",
      kind: "estimate",
    },
    facilityYears: { ref: "estimate: data-center shell and power plant", kind: "estimate" },
    utilization: { ref: "estimate: share of hours a GPU is billed or training", kind: "estimate" },
  },
};

function site(
  fields: Partial<Site> & Pick<Site, "name" | "displayName">,
  sources: Record<string, Source>,
): Site {
  return { ...GENERIC, ...fields, sources: { ...GENERIC.sources, ...sources } };
}

const colossusPower: Source = {
  ref: "Greater Memphis Chamber via Tom's Hardware (8 May 2025): 150 MW grid substation plus 150 MW of Megapacks; second substation to reach 300 MW",
  kind: "paper",
};
const colossusBuild: Source = {
  ref: "NVIDIA press release (28 Oct 2024): 100,000 Hopper GPUs in 122 days on Spectrum-X; ServeTheHome tour (Oct 2024): 8 x 4U liquid-cooled Supermicro HGX servers per rack",
  kind: "paper",
};
const metaClusters: Source = {
  ref: "Meta Engineering, Building Meta's GenAI Infrastructure (12 March 2024): two 24,576-H100 clusters, 400 Gb/s endpoints; Llama 3 (arXiv 2407.21783) section 3.3.1: 3,072-GPU pods, 1:7 above",
  kind: "paper",
};
const liquidPue: Source = {
  ref: "liquid-cooled AI halls run at PUE ~1.1-1.2 (industry reports 2024-2026)",
  kind: "estimate",
};
const nvl72Rack: Source = {
  ref: "GB200/GB300 NVL72: ~120-132 kW per liquid-cooled rack (ServeTheHome, Introl)",
  kind: "estimate",
};
const stargateUae: Source = {
  ref: "OpenAI/G42/Oracle/NVIDIA joint release (22 May 2025): Stargate UAE 1 GW cluster, first 200 MW in 2026, NVIDIA GB300",
  kind: "paper",
};
const stargateUaeCampus: Source = {
  ref: "G42, OpenAI, Oracle, NVIDIA, SoftBank and Cisco release via PR Newswire/Zawya (22 May 2025): a 1 GW cluster in the new 5 GW UAE-U.S. AI Campus, Abu Dhabi; the first 200 MW cluster expected to go live in 2026",
  kind: "paper",
};
const stargateUaePhaseOne: Source = {
  ref: "Business Mag (May 2025), quoting project officials: the first 200 MW is ~1,400 GB300 NVL72 servers housing ~100,000 chips; TrendForce: ~140 kW per GB300 rack",
  kind: "paper",
};
const colossus2Build: Source = {
  ref: "SemiAnalysis, xAI's Colossus 2 - First Gigawatt Datacenter In The World (16 Sept 2025), as summarised by aiforautomation.io (28 Apr 2026): 1M sq ft Memphis warehouse bought 7 March 2025; 119 air-cooled chillers, ~200 MW of cooling, by 22 Aug 2025",
  kind: "paper",
};
const colossus2Gpus: Source = {
  ref: "press reports of ~110,000 GB200 in Colossus 2's first phase from mid-2025 (starting list, shared/data/anchors-2025-2026.md [S]); Musk on X (22 July 2025, via press): the first of 550k GB200s and GB300s for Colossus 2 online 'in a few weeks'",
  kind: "estimate",
  note: "110,000 not confirmed at a primary source; ~200 MW of cooling over the ~1.8 kW a GB200 NVL72 GPU draws with its rack share gives the same order",
};
const colossus2Plan: Source = {
  ref: "Wall Street Journal via press (Aug-Sept 2025): Colossus 2 to get ~300,000 NVIDIA accelerators for at least $18B, fed by a new >1 GW gas-turbine plant in Mississippi; Techzine (31 Dec 2025): a third building pushes the complex toward ~2 GW",
  kind: "paper",
};

export const SITES: readonly Site[] = [
  GENERIC,
  site(
    {
      name: "colossus-100k",
      displayName: "xAI Colossus, Memphis: 100,000 H100 (2024)",
      accelerator: "h100-sxm",
      gpus: 100000,
      platform: "hgx-h100-liquid",
      network: "spectrum-x",
      pue: 1.2,
      rackKilowatts: 80,
      rackUnits: 32,
      reported: {
        facilityMegawatts: 150,
        note: "150 MW grid substation (plus 150 MW of Megapacks as buffer)",
      },
    },
    {
      gpus: colossusBuild,
      platform: colossusBuild,
      network: colossusBuild,
      rackKilowatts: colossusBuild,
      pue: liquidPue,
      reported: colossusPower,
    },
  ),
  site(
    {
      name: "colossus-200k",
      displayName: "xAI Colossus, Memphis: 200,000 H100/H200 (2025)",
      accelerator: "h100-sxm",
      gpus: 200000,
      platform: "hgx-h100-liquid",
      network: "spectrum-x",
      pue: 1.2,
      rackKilowatts: 80,
      rackUnits: 32,
      reported: { facilityMegawatts: 300, note: "two substations planned to reach 300 MW" },
    },
    {
      gpus: {
        ref: "Elon Musk via DCD (Oct 2024): 'soon a 200k H100/H200 training cluster'; modelled as H100",
        kind: "paper",
      },
      reported: colossusPower,
    },
  ),
  site(
    {
      name: "colossus-2",
      displayName: "xAI Colossus 2, Memphis: ~110,000 GB200 (first phase, 2025)",
      accelerator: "gb200",
      gpus: 110000,
      platform: "gb200-nvl72",
      network: "spectrum-x",
      pue: 1.2,
      rackKilowatts: 140,
      rackUnits: 48,
      reported: {
        facilityMegawatts: 200,
        note: "~200 MW of cooling from 119 air-cooled chillers by 22 Aug 2025; 1.1 GW and 550,000 GB200/GB300 planned, with gas turbines in Southaven, MS",
      },
    },
    {
      gpus: colossus2Gpus,
      platform: colossus2Build,
      network: {
        ref: "estimate: Spectrum-X Ethernet as at Colossus 1 (NVIDIA, 28 Oct 2024); Colossus 2's scale-out fabric not reported",
        kind: "estimate",
      },
      rackKilowatts: nvl72Rack,
      pue: {
        ref: "liquid-cooled racks (PUE ~1.1-1.2, industry reports 2024-2026) rejecting heat through air-cooled chillers (no evaporative cooling): the top of that range",
        kind: "estimate",
      },
      reported: colossus2Build,
      expansion: colossus2Plan,
    },
  ),
  site(
    {
      name: "meta-24k-roce",
      displayName: "Meta 24,576-H100 RoCE cluster (2024)",
      accelerator: "h100-sxm",
      gpus: 24576,
      platform: "hgx-h100",
      network: "spectrum-x",
      rackKilowatts: 21,
      fabric: { leafOversubscription: 1, podGpus: 3072, podOversubscription: 7, opticalNicLinks: true },
    },
    {
      gpus: metaClusters,
      fabric: metaClusters,
      network: {
        ref: "Arista 7800 spines with Wedge400/Minipack2; modelled with 64x800G Ethernet switches",
        kind: "estimate",
      },
      rackKilowatts: {
        ref: "Llama 3 section 3.3.1: 16 GPUs (two Grand Teton servers) per rack",
        kind: "paper",
      },
    },
  ),
  site(
    {
      name: "meta-24k-infiniband",
      displayName: "Meta 24,576-H100 InfiniBand cluster (2024)",
      accelerator: "h100-sxm",
      gpus: 24576,
      platform: "hgx-h100",
      network: "infiniband-ndr",
      rackKilowatts: 21,
    },
    { gpus: metaClusters, network: metaClusters },
  ),
  site(
    {
      name: "stargate-uae-200mw",
      displayName: "Stargate UAE phase one: 200 MW of GB300 (2026)",
      accelerator: "gb300",
      powerMegawatts: 200,
      platform: "gb300-nvl72",
      network: "spectrum-x",
      pue: 1.2,
      rackKilowatts: 140,
      rackUnits: 48,
      reported: {
        facilityMegawatts: 200,
        note: "first 200 MW cluster expected live in 2026: ~1,400 GB300 NVL72 racks, ~100,000 GPUs (project officials)",
      },
    },
    {
      accelerator: stargateUae,
      powerMegawatts: stargateUaeCampus,
      rackKilowatts: nvl72Rack,
      pue: liquidPue,
      reported: stargateUaePhaseOne,
    },
  ),
  site(
    {
      name: "stargate-uae-1gw",
      displayName: "Stargate UAE full build: 1 GW of GB300",
      accelerator: "gb300",
      powerMegawatts: 1000,
      platform: "gb300-nvl72",
      network: "spectrum-x",
      pue: 1.2,
      rackKilowatts: 140,
      rackUnits: 48,
      reported: {
        facilityMegawatts: 1000,
        note: "the 1 GW Stargate UAE cluster, within the 5 GW UAE-U.S. AI Campus, Abu Dhabi",
      },
    },
    {
      accelerator: stargateUae,
      powerMegawatts: stargateUaeCampus,
      rackKilowatts: nvl72Rack,
      pue: liquidPue,
      reported: stargateUaeCampus,
    },
  ),
  site(
    {
      name: "twitter-10k-2023",
      displayName: "Twitter's ~10,000 GPUs (2023)",
      accelerator: "h100-sxm",
      gpus: 10000,
      platform: "hgx-h100",
    },
    {
      gpus: {
        ref: "Business Insider (11 April 2023): Twitter 'recently purchased roughly 10,000 GPUs'; type not reported, H100 assumed",
        kind: "paper",
      },
    },
  ),
  site(
    {
      name: "openai-microsoft-100k",
      displayName: "A 100,000-GPU OpenAI/Microsoft GB200 build",
      accelerator: "gb200",
      gpus: 100000,
      platform: "gb200-nvl72",
      network: "infiniband-ndr",
      pue: 1.15,
      rackKilowatts: 140,
      rackUnits: 48,
    },
    {
      gpus: {
        ref: "Microsoft Fairwater, Mt Pleasant WI (announced 18 Sept 2025): 'hundreds of thousands' of GB200; 100,000 taken as a unit",
        kind: "estimate",
      },
      rackKilowatts: nvl72Rack,
      pue: liquidPue,
    },
  ),
];
