import type { Source } from "./source.ts";

/** A server (or rack-scale system) that holds the GPUs, with its power and price. */
export interface Platform {
  readonly name: string;
  readonly displayName: string;
  /** Accelerator catalog names this platform carries. */
  readonly accelerators: readonly string[];
  readonly gpusPerServer: number;
  /** GPUs behind one host (its CPUs, memory and storage NICs): a compute tray in a rack-scale system. */
  readonly gpusPerHost: number;
  /** Maximum draw of one server with its GPUs at TDP (what power delivery is sized for). */
  readonly serverMaxWatts: number;
  /** GPU draw in steady training as a fraction of TDP. */
  readonly typicalGpuFraction: number;
  /** Draw of everything else in the server in training, as a fraction of its maximum. */
  readonly typicalOtherFraction: number;
  readonly rackUnits: number;
  readonly cooling: "air" | "liquid";
  readonly priceUsd: number;
  readonly sources: Readonly<Record<string, Source>>;
}

const typicalDraw: Source = {
  ref: "estimate: GPUs in large training runs average ~80% of TDP (Llama 3 reports tens-of-MW power swings around the mean); fans and CPUs ~60% of maximum",
  kind: "estimate",
};

/** The draw in training every catalog platform assumes; a platform section without its own takes it. */
export const TYPICAL_DRAW = { gpuFraction: 0.8, otherFraction: 0.6, source: typicalDraw } as const;

/** The Oberon rack GB200 and GB300 share: 18 trays of 4 GPUs, one 72-GPU NVLink domain, 132 kW of shelves. */
const nvl72Rack = {
  gpusPerServer: 72,
  gpusPerHost: 4,
  serverMaxWatts: 132000,
  typicalGpuFraction: TYPICAL_DRAW.gpuFraction,
  typicalOtherFraction: TYPICAL_DRAW.otherFraction,
  rackUnits: 48,
  cooling: "liquid",
} as const;

export const PLATFORMS: readonly Platform[] = [
  {
    name: "hgx-a100",
    displayName: "HGX/DGX A100 8-GPU server",
    accelerators: ["a100-sxm-80gb"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 6500,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 6,
    cooling: "air",
    priceUsd: 200000,
    sources: {
      serverMaxWatts: { ref: "NVIDIA DGX A100 datasheet (2020): 6.5 kW maximum, 6U", kind: "vendor" },
      priceUsd: { ref: "NVIDIA DGX A100 launch price $199,000 (May 2020)", kind: "vendor" },
      typical: typicalDraw,
    },
  },
  {
    name: "hgx-h100",
    displayName: "HGX/DGX H100 8-GPU server, air-cooled",
    accelerators: ["h100-sxm", "h800", "h200"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 10200,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 8,
    cooling: "air",
    priceUsd: 310000,
    sources: {
      serverMaxWatts: {
        ref: "NVIDIA DGX H100/H200 User Guide, power specifications: 10.2 kW maximum",
        kind: "vendor",
      },
      priceUsd: {
        ref: "public AI-cluster cost model (Aug 2024): HGX H100 server with InfiniBand NICs ~$310k; Thinkmate quote ~$317k",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "hgx-h100-liquid",
    displayName: "HGX H100 8-GPU server, direct liquid cooling (4U)",
    accelerators: ["h100-sxm", "h800", "h200"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 9200,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 4,
    cooling: "liquid",
    priceUsd: 320000,
    sources: {
      serverMaxWatts: {
        ref: "estimate: DGX H100's 10.2 kW less ~1 kW of fans, as in Supermicro's liquid-cooled 4U HGX used at xAI Colossus",
        kind: "estimate",
      },
      priceUsd: {
        ref: "estimate: air-cooled HGX H100 price plus cold plates and manifolds",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "dgx-b200",
    displayName: "DGX/HGX B200 8-GPU server",
    accelerators: ["b200"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 14300,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 10,
    cooling: "air",
    priceUsd: 515000,
    sources: {
      serverMaxWatts: { ref: "NVIDIA DGX B200 User Guide: 14.3 kW maximum, 10U", kind: "vendor" },
      priceUsd: {
        ref: "estimate: reported DGX B200 pricing around $500k (2024-2025 press)",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "hgx-b300",
    displayName: "DGX/HGX B300 8-GPU server, air-cooled",
    accelerators: ["b300"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 14500,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 10,
    cooling: "air",
    priceUsd: 585000,
    sources: {
      serverMaxWatts: {
        ref: "NVIDIA, Data Center Best Practices with DGX B300 v1.0 (2026), p.7: ~14.5 kW per system at the DC bus (15 kW at the AC PDU), peaks of 19-19.7 kW",
        kind: "vendor",
        note: "read in a third-party source register summarising the document's table; the document itself not reached",
      },
      rackUnits: { ref: "NVIDIA DGX B300: 10U chassis (aiwiki DGX B300 page, 2026)", kind: "vendor" },
      priceUsd: {
        ref: "estimate: the DGX B200 price here ($515k) times the DGX B300 / DGX B200 ratio in NVIDIA's DGX TCO calculator ($846,885 / $744,793, as captured in a public repository, 2026)",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "gb200-nvl72",
    displayName: "GB200 NVL72 rack (72 GPUs, 36 Grace CPUs)",
    accelerators: ["gb200"],
    ...nvl72Rack,
    priceUsd: 3000000,
    sources: {
      serverMaxWatts: {
        ref: "18 compute trays x ~6.5 kW + 9 NVLink switch trays ~3.6 kW (Introl; ServeTheHome GTC 2024: ~120 kW per rack); NVIDIA DPS spec: 6,667 W per compute tray",
        kind: "estimate",
      },
      priceUsd: { ref: "press estimates of ~$3M per GB200 NVL72 rack (2024-2025)", kind: "estimate" },
      gpusPerHost: {
        ref: "NVIDIA GB200 NVL72 product page: 18 compute trays per rack, each with two GB200 superchips (2 Grace CPUs, 4 Blackwell GPUs)",
        kind: "vendor",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "gb300-nvl72",
    displayName: "GB300 NVL72 rack (72 Blackwell Ultra GPUs, 36 Grace CPUs)",
    accelerators: ["gb300"],
    ...nvl72Rack,
    priceUsd: 3500000,
    sources: {
      serverMaxWatts: {
        ref: "the Oberon rack of GB200 with 1,400 W GPUs: 18 compute trays of ~6.6 kW and 9 switch trays (Morgan Stanley model via Epium, 2025); 8 power shelves of 132 kW DC output (Introl, 2025)",
        kind: "estimate",
      },
      priceUsd: {
        ref: "press estimates of $3-4M per GB300 NVL72 rack (awesomeagents.ai GB300 NVL72 page, 2025): the midpoint",
        kind: "estimate",
      },
      gpusPerHost: {
        ref: "NVIDIA GB300 NVL72 product page: 18 compute trays, each with two Grace CPUs and four Blackwell Ultra GPUs",
        kind: "vendor",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "mi300x-platform",
    displayName: "AMD Instinct MI300X 8-GPU platform",
    accelerators: ["mi300x"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 10000,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 8,
    cooling: "air",
    priceUsd: 220000,
    sources: {
      serverMaxWatts: {
        ref: "estimate: 8 x 750 W OAM modules (AMD, June 2023) plus CPUs, NICs and fans as in an HGX server",
        kind: "estimate",
      },
      priceUsd: {
        ref: "estimate: ~$15-20k per MI300X (street, secondary sources) plus the host server",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "mi325x-platform",
    displayName: "AMD Instinct MI325X 8-GPU platform",
    accelerators: ["mi325x"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 12000,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 8,
    cooling: "air",
    priceUsd: 250000,
    sources: {
      serverMaxWatts: {
        ref: "estimate: 8 x 1,000 W OAM modules (AMD MI325X page) plus CPUs, NICs and fans as in the MI300X platform here",
        kind: "estimate",
      },
      priceUsd: {
        ref: "estimate: the MI300X platform here with the MI325X's higher street price (third-party proxies ~$15k vs ~$12.5k per GPU, 2026)",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
  {
    name: "mi355x-platform",
    displayName: "AMD Instinct MI355X 8-GPU platform, direct liquid cooling",
    accelerators: ["mi355x"],
    gpusPerServer: 8,
    gpusPerHost: 8,
    serverMaxWatts: 15000,
    typicalGpuFraction: 0.8,
    typicalOtherFraction: 0.6,
    rackUnits: 4,
    cooling: "liquid",
    priceUsd: 330000,
    sources: {
      serverMaxWatts: {
        ref: "estimate: 8 x 1,400 W liquid-cooled MI355X (The Register, 12 June 2025) plus ~3.8 kW of CPUs, NICs and pumps",
        kind: "estimate",
      },
      rackUnits: {
        ref: "estimate: 4U liquid-cooled 8-GPU servers; AMD's rack of up to 128 MI355X (The Register, 12 June 2025)",
        kind: "estimate",
      },
      priceUsd: {
        ref: "estimate: 8 x ~$27.5k per MI355X (third-party price proxy, 2026) plus the host server",
        kind: "estimate",
      },
      typical: typicalDraw,
    },
  },
];

export function defaultPlatformFor(accelerator: string): Platform | undefined {
  return PLATFORMS.find((platform) => platform.accelerators.includes(accelerator));
}
