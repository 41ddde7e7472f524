import { GiB } from "../units.ts";
import type { Source, SourcesOf } from "./source.ts";

/** Hardware generations; calibration constants are global per generation and software stack. */
export type Generation = "ampere" | "hopper" | "blackwell" | "cdna3" | "cdna4";

export interface AcceleratorSpec {
  readonly bf16DenseFlops: number;
  /** 0 where the tensor cores have no FP8 path (A100). */
  readonly fp8DenseFlops: number;
  /** Dense block-scaled FP4 (NVFP4, MXFP4); 0 where the tensor cores have none (before Blackwell and CDNA4). */
  readonly fp4DenseFlops: number;
  readonly hbmBytes: number;
  readonly hbmBytesPerSecond: number;
  readonly tdpWatts: number;
  /** GPUs that share one NVLink / Infinity Fabric domain (8 on HGX, 72 on NVL72). */
  readonly scaleUpDomainGpus: number;
  /** Per GPU, per direction. */
  readonly scaleUpBytesPerSecond: number;
  /** Scale-out NIC line rate per GPU. */
  readonly scaleOutGbps: number;
}

export interface Accelerator extends AcceleratorSpec {
  readonly name: string;
  readonly displayName: string;
  readonly generation: Generation;
  readonly sources: SourcesOf<AcceleratorSpec>;
  /**
   * A part defined in a scenario file: the catalog accelerator it derives from (its preset, else its
   * calibrateAs), whose platforms carry it. Absent on catalog entries.
   */
  readonly basedOn?: string;
}

const a100Sheet: Source = {
  ref: "NVIDIA A100 Tensor Core GPU datasheet (2021), SXM 80GB column",
  kind: "vendor",
};
const h100Sheet: Source = {
  ref: "NVIDIA H100 Tensor Core GPU datasheet (2023), H100 SXM column",
  kind: "vendor",
};
const h200Sheet: Source = {
  ref: "NVIDIA H200 Tensor Core GPU datasheet (2024), H200 SXM column",
  kind: "vendor",
};
const hgxB200Sheet: Source = {
  ref: "NVIDIA HGX B200 / DGX B200 datasheet (2024), per-GPU figures; dense = half of the sparse figure",
  kind: "vendor",
};
const gb200Sheet: Source = {
  ref: "NVIDIA GB200 NVL72 datasheet (2024): rack totals divided by 72 GPUs; dense = half of the sparse figure",
  kind: "vendor",
};
const mi300xSheet: Source = { ref: "AMD Instinct MI300X datasheet (2023)", kind: "vendor" };
/** NVIDIA's own dense peaks, used for MFU in its published benchmark recipes. */
const dgxcPeaks: Source = {
  ref: "NVIDIA/dgxc-benchmarking README.md (commit d67d704, release 26.04.01, 2026), Peak Theoretical Throughput table: 'non-sparse' TFLOP/s per GPU",
  kind: "vendor",
};
/** The GPUs of NVIDIA's benchmark reference systems as the same README lists them. */
const dgxcReference: Source = {
  ref: "NVIDIA/dgxc-benchmarking README.md (commit d67d704, release 26.04.01, 2026), Reference Infrastructure section",
  kind: "vendor",
};
const mi325xPage: Source = {
  ref: "AMD Instinct MI325X specifications page (launched 10 Oct 2024); read in secondary tables (stas00/ml-engineering compute/accelerator README, 2026; awesomeagents.ai MI325X page)",
  kind: "vendor",
};
const mi355xPage: Source = {
  ref: "AMD Instinct MI355X specifications page (launched 12 June 2025); read in secondary tables (stas00/ml-engineering compute/accelerator README, 2026, note 22)",
  kind: "vendor",
};
const amdNic400: Source = {
  ref: "AMD Instinct platforms: one 400 Gb/s scale-out NIC per GPU (Pollara 400 class)",
  kind: "estimate",
};
const measuredH100: Source = {
  ref: "gigacluster measurement of one H100 80GB HBM3 (torch.cuda total_memory), data/h100-sxm-measured-ceilings.json, 2026-11-23",
  kind: "measured",
};
const hgxDomain: Source = { ref: "HGX 8-GPU baseboard: 8 GPUs on NVSwitch", kind: "vendor" };
const nic400: Source = {
  ref: "DGX H100 / DGX B200 user guides: 8x ConnectX-7 400Gb/s, one per GPU",
  kind: "vendor",
};

export const ACCELERATORS: readonly Accelerator[] = [
  {
    name: "a100-sxm-80gb",
    displayName: "NVIDIA A100 80GB SXM",
    generation: "ampere",
    bf16DenseFlops: 312e12,
    fp8DenseFlops: 0,
    fp4DenseFlops: 0,
    hbmBytes: 80 * GiB,
    hbmBytesPerSecond: 2039e9,
    tdpWatts: 400,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 300e9,
    scaleOutGbps: 200,
    sources: {
      bf16DenseFlops: a100Sheet,
      fp4DenseFlops: { ref: "Ampere tensor cores have no FP4 format", kind: "vendor" },
      fp8DenseFlops: { ref: "Ampere tensor cores have no FP8 format", kind: "vendor" },
      hbmBytes: { ...a100Sheet, note: "80 GB of HBM2e: five 16 GiB stacks" },
      hbmBytesPerSecond: a100Sheet,
      tdpWatts: a100Sheet,
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: { ...a100Sheet, note: "NVLink 600 GB/s is both directions; 300 GB/s each way" },
      scaleOutGbps: { ref: "DGX A100 user guide: 8x ConnectX-6 HDR 200Gb/s, one per GPU", kind: "vendor" },
    },
  },
  {
    name: "h100-sxm",
    displayName: "NVIDIA H100 80GB SXM",
    generation: "hopper",
    bf16DenseFlops: 989.4e12,
    fp8DenseFlops: 1978.9e12,
    fp4DenseFlops: 0,
    hbmBytes: 85_017_493_504,
    hbmBytesPerSecond: 3.35e12,
    tdpWatts: 700,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 450e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: { ...h100Sheet, note: "1,979 TFLOP/s is the 2:4 sparse figure" },
      fp4DenseFlops: {
        ref: "Hopper tensor cores have no FP4 format (DGX Cloud benchmarking README: NVFP4 is not supported on Hopper)",
        kind: "vendor",
      },
      fp8DenseFlops: { ...h100Sheet, note: "3,958 TFLOP/s is the 2:4 sparse figure" },
      hbmBytes: measuredH100,
      hbmBytesPerSecond: h100Sheet,
      tdpWatts: h100Sheet,
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: { ...h100Sheet, note: "NVLink 900 GB/s is both directions; 450 GB/s each way" },
      scaleOutGbps: nic400,
    },
  },
  {
    name: "h800",
    displayName: "NVIDIA H800 80GB SXM",
    generation: "hopper",
    bf16DenseFlops: 989.4e12,
    fp8DenseFlops: 1978.9e12,
    fp4DenseFlops: 0,
    hbmBytes: 85_017_493_504,
    hbmBytesPerSecond: 3.35e12,
    tdpWatts: 700,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 200e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: {
        ref: "H800: the H100 SXM die with NVLink cut for export (secondary sources)",
        kind: "estimate",
      },
      fp4DenseFlops: { ref: "Hopper tensor cores have no FP4 format", kind: "vendor" },
      fp8DenseFlops: { ref: "as H100 SXM", kind: "estimate" },
      hbmBytes: { ref: "as H100 80GB", kind: "estimate" },
      hbmBytesPerSecond: { ref: "as H100 SXM", kind: "estimate" },
      tdpWatts: { ref: "as H100 SXM", kind: "estimate" },
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: {
        ref: "DeepSeek-AI, Insights into DeepSeek-V3 (arXiv 2505.09343, May 2025): H800 NVLink 400 GB/s both directions",
        kind: "paper",
      },
      scaleOutGbps: {
        ref: "DeepSeek-V3 report (arXiv 2412.19437) section 3.2.2: IB 50 GB/s per GPU; arXiv 2505.09343: 8x 400Gb/s per node",
        kind: "paper",
      },
    },
  },
  {
    name: "h200",
    displayName: "NVIDIA H200 141GB SXM",
    generation: "hopper",
    bf16DenseFlops: 989.4e12,
    fp8DenseFlops: 1978.9e12,
    fp4DenseFlops: 0,
    hbmBytes: 141e9,
    hbmBytesPerSecond: 4.8e12,
    tdpWatts: 700,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 450e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: h200Sheet,
      fp4DenseFlops: { ref: "Hopper tensor cores have no FP4 format", kind: "vendor" },
      fp8DenseFlops: h200Sheet,
      hbmBytes: h200Sheet,
      hbmBytesPerSecond: h200Sheet,
      tdpWatts: { ...h200Sheet, note: "up to 700 W (configurable)" },
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: h200Sheet,
      scaleOutGbps: nic400,
    },
  },
  {
    name: "b200",
    displayName: "NVIDIA B200 (HGX)",
    generation: "blackwell",
    bf16DenseFlops: 2250e12,
    fp8DenseFlops: 4500e12,
    fp4DenseFlops: 9000e12,
    hbmBytes: 180e9,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1000,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: {
        ...dgxcPeaks,
        note: "B200 2,250 dense, as the HGX B200 datasheet's sparse figure halved; NVFP4 9,000 dense (no FP4 field here)",
      },
      fp4DenseFlops: { ...dgxcPeaks, note: "B200 NVFP4 9,000 dense" },
      fp8DenseFlops: {
        ...dgxcPeaks,
        note: "B200 4,500 dense, as the HGX B200 datasheet's sparse figure halved",
      },
      hbmBytes: { ...hgxB200Sheet, note: "DGX B200: 1,440 GB over 8 GPUs" },
      hbmBytesPerSecond: hgxB200Sheet,
      tdpWatts: hgxB200Sheet,
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: { ...hgxB200Sheet, note: "NVLink 5: 1.8 TB/s both directions" },
      scaleOutGbps: nic400,
    },
  },
  {
    name: "b300",
    displayName: "NVIDIA B300 (HGX, Blackwell Ultra)",
    generation: "blackwell",
    bf16DenseFlops: 2250e12,
    fp8DenseFlops: 4500e12,
    fp4DenseFlops: 13500e12,
    hbmBytes: 270e9,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1100,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 800,
    sources: {
      bf16DenseFlops: {
        ...dgxcPeaks,
        note: "B300 2,250 dense, as B200 (Blackwell Ultra's gains are in FP4: NVFP4 13,500 dense; no FP4 field here)",
      },
      fp4DenseFlops: { ...dgxcPeaks, note: "B300 NVFP4 13,500 dense" },
      fp8DenseFlops: { ...dgxcPeaks, note: "B300 4,500 dense" },
      hbmBytes: {
        ...dgxcReference,
        note: "B300 reference system: 8x B300 270 GB HBM3e (2.1 TB total); 288 GB of HBM3e on the package",
      },
      hbmBytesPerSecond: {
        ref: "NVIDIA HGX B300: up to 8 TB/s per GPU, 64 TB/s per 8-GPU node (AceCloud summary of NVIDIA's HGX B300 specifications, 23 Feb 2026), as B200",
        kind: "vendor",
        note: "NVIDIA/dgxc-benchmarking README (26.04.01) lists 7.7 TB/s for its B200 and B300 reference systems alike",
      },
      tdpWatts: { ...dgxcReference, note: "B300 reference system: TDP 1100 W (air-cooled HGX)" },
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: {
        ...dgxcReference,
        note: "NVLink 5: 1.8 TB/s per GPU, both directions; 900 GB/s each way",
      },
      scaleOutGbps: {
        ...dgxcReference,
        note: "B300 reference system: Spectrum-X compute links 8x 800 Gb/s (ConnectX-8 SuperNIC, one per GPU)",
      },
    },
  },
  {
    name: "gb200",
    displayName: "NVIDIA GB200 NVL72 (per GPU)",
    generation: "blackwell",
    bf16DenseFlops: 2450e12,
    fp8DenseFlops: 4900e12,
    fp4DenseFlops: 9800e12,
    hbmBytes: 189_471 * 2 ** 20,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1200,
    scaleUpDomainGpus: 72,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: {
        ...dgxcPeaks,
        note: "GB200 2,450 dense (NVFP4 9,800 dense; no FP4 field here); the NVL72 datasheet's 360 PFLOP/s sparse per rack halved over 72 GPUs rounds to 2,500",
      },
      fp4DenseFlops: { ...dgxcPeaks, note: "GB200 NVFP4 9,800 dense" },
      fp8DenseFlops: {
        ...dgxcPeaks,
        note: "GB200 4,900 dense; the NVL72 datasheet's 720 PFLOP/s sparse per rack halved over 72 GPUs rounds to 5,000",
      },
      hbmBytes: {
        ref: "MLPerf Training v5.1, NVIDIA systems/*.json (mlcommons/training_results_v5.1 @ 4da2d1c): GB200 accelerator memory capacity 189,471 MiB, as the GPU reports it",
        kind: "vendor",
        note: "DGX Cloud reference: 186 GB HBM3e per GPU; NVL72 datasheet: 13.4 TB per rack",
      },
      hbmBytesPerSecond: {
        ...dgxcReference,
        note: "GB200: 8 TB/s per GPU (NVL72 datasheet: 576 TB/s per rack)",
      },
      tdpWatts: {
        ref: "NVIDIA Technical Blog, Inside NVIDIA Blackwell Ultra (2025), comparison table: max power (TGP) 1,200 W for Blackwell, 1,400 W for Blackwell Ultra",
        kind: "vendor",
        note: "read in a third-party source register quoting the blog's table; the GB200 superchip is configurable to 2,700 W for 2 GPUs + 1 Grace CPU",
      },
      scaleUpDomainGpus: gb200Sheet,
      scaleUpBytesPerSecond: { ...gb200Sheet, note: "130 TB/s NVLink per rack, both directions" },
      scaleOutGbps: {
        ref: "GB200 NVL72 reference design with ConnectX-7 400Gb/s per GPU (800G ConnectX-8 on later builds)",
        kind: "estimate",
      },
    },
  },
  {
    name: "gb300",
    displayName: "NVIDIA GB300 NVL72 (per GPU)",
    generation: "blackwell",
    bf16DenseFlops: 2450e12,
    fp8DenseFlops: 4900e12,
    fp4DenseFlops: 14700e12,
    hbmBytes: 284_208 * 2 ** 20,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1400,
    scaleUpDomainGpus: 72,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 800,
    sources: {
      bf16DenseFlops: {
        ...dgxcPeaks,
        note: "GB300 2,450 dense, as GB200 (Blackwell Ultra's gains are in FP4: NVFP4 14,700 dense; no FP4 field here)",
      },
      fp4DenseFlops: { ...dgxcPeaks, note: "GB300 NVFP4 14,700 dense" },
      fp8DenseFlops: { ...dgxcPeaks, note: "GB300 4,900 dense, as GB200" },
      hbmBytes: {
        ref: "MLPerf Training v5.1, NVIDIA systems/*.json (mlcommons/training_results_v5.1 @ 4da2d1c): GB300 accelerator memory capacity 284,208 MiB, as the GPU reports it",
        kind: "vendor",
        note: "DGX Cloud reference: 279 GB HBM3e per GPU; the GB300 NVL72 page quotes the package's 288 GB",
      },
      hbmBytesPerSecond: { ...dgxcReference, note: "GB300 reference system: 8 TB/s per GPU" },
      tdpWatts: { ...dgxcReference, note: "GB300 reference system: TDP configurable up to 1,400 W" },
      scaleUpDomainGpus: { ref: "NVIDIA GB300 NVL72: 72 GPUs in one NVLink domain", kind: "vendor" },
      scaleUpBytesPerSecond: { ref: "NVLink 5: 1.8 TB/s both directions", kind: "vendor" },
      scaleOutGbps: { ref: "NVIDIA GB300 NVL72: ConnectX-8 SuperNIC, 800 Gb/s per GPU", kind: "vendor" },
    },
  },
  {
    name: "mi300x",
    displayName: "AMD Instinct MI300X",
    generation: "cdna3",
    bf16DenseFlops: 1307.4e12,
    fp8DenseFlops: 2614.9e12,
    fp4DenseFlops: 0,
    hbmBytes: 192e9,
    hbmBytesPerSecond: 5.3e12,
    tdpWatts: 750,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 448e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: mi300xSheet,
      fp4DenseFlops: { ref: "CDNA3 matrix cores have no FP4 format", kind: "vendor" },
      fp8DenseFlops: mi300xSheet,
      hbmBytes: mi300xSheet,
      hbmBytesPerSecond: mi300xSheet,
      tdpWatts: mi300xSheet,
      scaleUpDomainGpus: {
        ref: "AMD Instinct MI300X platform: 8 GPUs in a fully connected Infinity Fabric mesh",
        kind: "vendor",
      },
      scaleUpBytesPerSecond: {
        ...mi300xSheet,
        note: "7 Infinity Fabric links x 64 GB/s each way to the 7 peers; a ring uses ~1 link per neighbour",
      },
      scaleOutGbps: { ref: "AMD MI300X platform reference: one 400Gb/s NIC per GPU", kind: "estimate" },
    },
  },
  {
    name: "mi325x",
    displayName: "AMD Instinct MI325X",
    generation: "cdna3",
    bf16DenseFlops: 1307.4e12,
    fp8DenseFlops: 2614.9e12,
    fp4DenseFlops: 0,
    hbmBytes: 256e9,
    hbmBytesPerSecond: 6e12,
    tdpWatts: 1000,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 448e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: {
        ...mi325xPage,
        note: "MI300X's compute: 1,307.4 dense FP16/BF16 (2,614.9 with sparsity)",
      },
      fp4DenseFlops: { ref: "CDNA3 matrix cores have no FP4 format", kind: "vendor" },
      fp8DenseFlops: { ...mi325xPage, note: "2,614.9 dense FP8 (5,229.8 with sparsity)" },
      hbmBytes: { ...mi325xPage, note: "256 GB HBM3E; 2 TB on an 8-GPU platform" },
      hbmBytesPerSecond: { ...mi325xPage, note: "6 TB/s peak" },
      tdpWatts: { ...mi325xPage, note: "1,000 W typical board power" },
      scaleUpDomainGpus: {
        ref: "AMD Instinct MI325X platform (UBB 2.0): 8 GPUs joined by 7 Infinity Fabric links each, fully connected (AMD partner page, wiaix.com)",
        kind: "vendor",
      },
      scaleUpBytesPerSecond: {
        ...mi325xPage,
        note: "as MI300X: 7 Infinity Fabric links x 128 GB/s both directions (896 GB/s); 64 GB/s each way to each of the 7 peers",
      },
      scaleOutGbps: amdNic400,
    },
  },
  {
    name: "mi355x",
    displayName: "AMD Instinct MI355X",
    generation: "cdna4",
    bf16DenseFlops: 2516.6e12,
    fp8DenseFlops: 5033.2e12,
    fp4DenseFlops: 10066.3e12,
    hbmBytes: 288e9,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1400,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 537.6e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: {
        ...mi355xPage,
        note: "AMD: 2.5 PFLOP/s dense FP16/BF16 matrix (5 with structured sparsity); 2,516.6 = 2,400 MHz x 1,024 matrix cores x 512 FMA x 2",
      },
      fp4DenseFlops: { ...mi355xPage, note: "MXFP4 10.1 PFLOP/s dense (2 x the FP8 rate)" },
      fp8DenseFlops: {
        ...mi355xPage,
        note: "AMD: 5.0 PFLOP/s dense FP8 (10.1 with structured sparsity); 2,516.6 x 2; MXFP4/MXFP6 10.1 dense (no FP4 field here)",
      },
      hbmBytes: { ...mi355xPage, note: "288 GB HBM3E (8 stacks of 36 GB)" },
      hbmBytesPerSecond: { ...mi355xPage, note: "8 TB/s" },
      tdpWatts: {
        ref: "The Register, AMD's MI355X is a 1.4 kW liquid-cooled monster (12 June 2025, AMD launch): MI355X 1.4 kW liquid-cooled, MI350X 1 kW",
        kind: "vendor",
      },
      scaleUpDomainGpus: {
        ref: "AMD Instinct MI350-series platform: up to 8 GPUs per node joined point to point (TechPowerUp's MI350 silicon article, June 2025)",
        kind: "vendor",
      },
      scaleUpBytesPerSecond: {
        ref: "TechPowerUp's MI350 silicon article (June 2025): 153.6 GB/s Infinity Fabric links joining each package with every other on the node",
        kind: "vendor",
        note: "153.6 GB/s both directions per link: 76.8 GB/s each way to each of the 7 peers, 537.6 GB/s in all",
      },
      scaleOutGbps: amdNic400,
    },
  },
];
