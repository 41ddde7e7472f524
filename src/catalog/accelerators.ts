import { GiB } from "../units.ts";
import type { Source, SourcesOf } from "./source.ts";

/** Hardware generations; calibration constants are global per generation and software stack. */
export type Generation = "ampere" | "hopper" | "blackwell" | "cdna3";

export interface AcceleratorSpec {
  readonly bf16DenseFlops: number;
  /** 0 where the tensor cores have no FP8 path (A100). */
  readonly fp8DenseFlops: number;
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
    hbmBytes: 80 * GiB,
    hbmBytesPerSecond: 2039e9,
    tdpWatts: 400,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 300e9,
    scaleOutGbps: 200,
    sources: {
      bf16DenseFlops: a100Sheet,
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
    hbmBytes: 85_017_493_504,
    hbmBytesPerSecond: 3.35e12,
    tdpWatts: 700,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 450e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: { ...h100Sheet, note: "1,979 TFLOP/s is the 2:4 sparse figure" },
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
    hbmBytes: 141e9,
    hbmBytesPerSecond: 4.8e12,
    tdpWatts: 700,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 450e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: h200Sheet,
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
    hbmBytes: 180e9,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1000,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: hgxB200Sheet,
      fp8DenseFlops: hgxB200Sheet,
      hbmBytes: { ...hgxB200Sheet, note: "DGX B200: 1,440 GB over 8 GPUs" },
      hbmBytesPerSecond: hgxB200Sheet,
      tdpWatts: hgxB200Sheet,
      scaleUpDomainGpus: hgxDomain,
      scaleUpBytesPerSecond: { ...hgxB200Sheet, note: "NVLink 5: 1.8 TB/s both directions" },
      scaleOutGbps: nic400,
    },
  },
  {
    name: "gb200",
    displayName: "NVIDIA GB200 NVL72 (per GPU)",
    generation: "blackwell",
    bf16DenseFlops: 2500e12,
    fp8DenseFlops: 5000e12,
    hbmBytes: 186e9,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1200,
    scaleUpDomainGpus: 72,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: { ...gb200Sheet, note: "360 PFLOP/s sparse BF16 per rack" },
      fp8DenseFlops: { ...gb200Sheet, note: "720 PFLOP/s sparse FP8 per rack" },
      hbmBytes: { ...gb200Sheet, note: "13.4 TB HBM3e per rack" },
      hbmBytesPerSecond: { ...gb200Sheet, note: "576 TB/s per rack" },
      tdpWatts: {
        ref: "GB200 superchip configurable to 2,700 W for 2 GPUs + 1 Grace CPU; per-GPU share",
        kind: "estimate",
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
    bf16DenseFlops: 2500e12,
    fp8DenseFlops: 5000e12,
    hbmBytes: 288e9,
    hbmBytesPerSecond: 8e12,
    tdpWatts: 1400,
    scaleUpDomainGpus: 72,
    scaleUpBytesPerSecond: 900e9,
    scaleOutGbps: 800,
    sources: {
      bf16DenseFlops: {
        ref: "NVIDIA GB300 NVL72 (2025): Blackwell Ultra raises FP4; BF16/FP8 dense taken as GB200's",
        kind: "estimate",
      },
      fp8DenseFlops: { ref: "as GB200 (Blackwell Ultra gains are in FP4)", kind: "estimate" },
      hbmBytes: { ref: "NVIDIA GB300 NVL72: 288 GB HBM3e per GPU", kind: "vendor" },
      hbmBytesPerSecond: { ref: "NVIDIA GB300 NVL72: 8 TB/s per GPU", kind: "vendor" },
      tdpWatts: { ref: "reported ~1.4 kW per Blackwell Ultra GPU", kind: "estimate" },
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
    hbmBytes: 192e9,
    hbmBytesPerSecond: 5.3e12,
    tdpWatts: 750,
    scaleUpDomainGpus: 8,
    scaleUpBytesPerSecond: 448e9,
    scaleOutGbps: 400,
    sources: {
      bf16DenseFlops: mi300xSheet,
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
];
