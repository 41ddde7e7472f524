import type { Source } from "./source.ts";

export interface FailureCause {
  readonly name: string;
  /** Interruptions per GPU-hour of the job. */
  readonly ratePerGpuHour: number;
  /** Needs a node swapped or repaired (a spare, or a wait) before the job can resume. */
  readonly hardware: boolean;
  /** What a hardware failure takes out: its node (default), or the whole rack (NVL72 switch trays, power shelves, coolant). */
  readonly scope?: "node" | "rack";
}

export interface FailureMix {
  readonly name: string;
  readonly displayName: string;
  readonly causes: readonly FailureCause[];
  /** Planned interruptions (upgrades, configuration changes) per day of the job. */
  readonly plannedPerDay: number;
  readonly source: Source;
}

// Llama 3 (arXiv 2407.21783) Table 5: root causes of the 419 unexpected interruptions in a 54-day
// snapshot of 405B pre-training on 16,384 H100. The counts are used; several printed percentages do
// not match them (148/419 is 35.3%, printed 30.1%).
const LLAMA3_GPU_HOURS = 16384 * 54 * 24;
const LLAMA3_TABLE: readonly [string, number, boolean][] = [
  ["faulty GPU", 148, true],
  ["GPU HBM3 memory", 72, true],
  ["software bug", 54, false],
  ["network switch/cable", 35, true],
  ["host maintenance", 32, true],
  ["GPU SRAM memory", 19, true],
  ["GPU system processor", 17, true],
  ["NIC", 7, true],
  ["NCCL watchdog timeout", 7, false],
  ["silent data corruption", 6, true],
  ["GPU thermal interface and sensor", 6, true],
  ["SSD", 3, true],
  ["power supply", 3, true],
  ["server chassis", 2, true],
  ["IO expansion board", 2, true],
  ["dependency", 2, false],
  ["CPU", 2, true],
  ["system memory", 2, true],
];
/**
 * Causes found only after the fact (a loss spike, a checksum, a replay): the work since the corruption
 * struck is redone, not just the work since the last checkpoint. Llama 3 Table 5 counts 6 in 54 days.
 */
export const SILENT_CAUSES: ReadonlySet<string> = new Set(["silent data corruption"]);

const LLAMA3_UNEXPECTED = LLAMA3_TABLE.reduce((sum, [, count]) => sum + count, 0);

function llamaShaped(perGpuHour: number): FailureCause[] {
  return LLAMA3_TABLE.map(([name, count, hardware]) => ({
    name,
    ratePerGpuHour: (perGpuHour * count) / LLAMA3_UNEXPECTED,
    hardware,
  }));
}

export const FAILURE_MIXES: readonly FailureMix[] = [
  {
    name: "llama-3",
    displayName: "Llama 3 405B pre-training (Meta, 16,384 H100, 54 days)",
    causes: llamaShaped(LLAMA3_UNEXPECTED / LLAMA3_GPU_HOURS),
    plannedPerDay: 47 / 54,
    source: {
      ref: "Llama 3 Herd of Models (arXiv 2407.21783) section 3.3.4, Table 5: 466 interruptions in 54 days, 47 planned, 419 unexpected, by root cause",
      kind: "paper",
      note: "rates per GPU-hour assume all 16,384 GPUs ran for the whole 54 days",
    },
  },
  {
    name: "meta-rsc-1",
    displayName: "Meta research cluster RSC-1 (A100): 6.50 failures per 1,000 node-days",
    causes: llamaShaped(6.5 / 1000 / 8 / 24),
    plannedPerDay: 0,
    source: {
      ref: "Kokolis et al. 2024, Revisiting Reliability in Large-Scale ML Research Clusters (arXiv 2410.21680): RSC-1 6.50, RSC-2 2.34 failures per 1,000 node-days (8-GPU nodes)",
      kind: "paper",
      note: "the cause mix is Llama 3's; the paper finds InfiniBand links the leading cause",
    },
  },
  {
    name: "meta-rsc-2",
    displayName: "Meta research cluster RSC-2 (A100): 2.34 failures per 1,000 node-days",
    causes: llamaShaped(2.34 / 1000 / 8 / 24),
    plannedPerDay: 0,
    source: {
      ref: "Kokolis et al. 2024 (arXiv 2410.21680): RSC-2 2.34 failures per 1,000 node-days",
      kind: "paper",
      note: "the cause mix is Llama 3's",
    },
  },
  {
    name: "nvl72-rack",
    displayName: "GB200/GB300 NVL72: Llama 3's causes, switch, cable and power failures rack-wide (estimate)",
    // In an NVL72 rack the NVLink switch trays, the cable cartridge and the power shelves serve all 72
    // GPUs: a failure there takes the rack out, where on HGX it took one server or one link.
    causes: llamaShaped(LLAMA3_UNEXPECTED / LLAMA3_GPU_HOURS).map((cause) =>
      cause.name === "network switch/cable" || cause.name === "power supply"
        ? { ...cause, name: `${cause.name} (rack-wide)`, scope: "rack" as const }
        : cause,
    ),
    plannedPerDay: 47 / 54,
    source: {
      ref: "Llama 3 Herd of Models (arXiv 2407.21783) Table 5 rates; which causes are rack-wide on NVL72 is an estimate from the rack's shared NVLink switch trays and power shelves (NVIDIA GB200 NVL72 product page)",
      kind: "estimate",
    },
  },
];
