import { ACCELERATORS, type Accelerator } from "../catalog/accelerators.ts";
import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";
import { TUNABLE_CONSTANTS } from "../catalog/stack-constants.ts";
import { InputError } from "../errors.ts";
import { gbpsToBytesPerSecond } from "../units.ts";
import { type FlashPoint, fitFlashCurve, fitGemmCurve, type GemmPoint } from "./kernel-curves.ts";
import { parseRunsYaml, type RawMeasuredRun } from "./runs-file.ts";

// A measurement file of tools/measure/measure.py (format gigacluster-measurements/1; the project's
// data/h100-sxm-measured-ceilings.json is its first example): kernel ceilings refit the rate curves,
// collectives the bus-bandwidth fractions and step latencies, and mini-runs join the measured runs.

interface CollectivePoint {
  readonly op: string;
  readonly bytes: number;
  readonly ranks: number;
  readonly nodes: number;
  readonly seconds_median: number;
  readonly bus_GBps: number;
}

interface MeasurementFile {
  readonly device?: string;
  readonly accelerator?: string | null;
  readonly bf16_gemm?: readonly GemmPoint[];
  readonly flash_attention_causal_bf16?: readonly FlashPoint[];
  readonly adamw_fused_fp32?: readonly { readonly GBps_at_min_bytes: number }[];
  readonly collectives?: readonly CollectivePoint[];
  readonly mini_runs?: readonly unknown[];
}

export interface Measurements {
  readonly accelerator: Accelerator;
  /** Constants measured directly: fixed in the fit, written to the stack file. */
  readonly hardware: Partial<HardwareCalibration>;
  /** What each measured constant came from, for the report. */
  readonly measuredFrom: Readonly<Record<string, string>>;
  readonly runs: readonly RawMeasuredRun[];
}

/** A measurement file is a JSON object with kernel rates, collectives or mini-runs. */
export function isMeasurementFile(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return ["bf16_gemm", "collectives", "mini_runs", "flash_attention_causal_bf16"].some((key) => key in value);
}

/** The catalog accelerator a device name means (torch.cuda.get_device_name), when it is clear. */
export function acceleratorForDevice(device: string): Accelerator | undefined {
  const d = device.toUpperCase();
  const name =
    d.includes("H100") && (d.includes("HBM3") || d.includes("SXM"))
      ? "h100-sxm"
      : d.includes("H800")
        ? "h800"
        : d.includes("H200")
          ? "h200"
          : d.includes("A100") && d.includes("80GB")
            ? "a100-sxm-80gb"
            : d.includes("GB200")
              ? "gb200"
              : d.includes("B200")
                ? "b200"
                : d.includes("MI300X")
                  ? "mi300x"
                  : undefined;
  return ACCELERATORS.find((a) => a.name === name);
}

const clamp = (name: string, value: number) => {
  const bounds = TUNABLE_CONSTANTS.find((c) => c.name === name);
  return bounds ? Math.min(bounds.max, Math.max(bounds.min, value)) : value;
};

/** Large messages show bus bandwidth, small ones latency (NCCL's ring: 2(n-1) steps for all-reduce). */
const LARGE_MESSAGE_BYTES = 64 * 2 ** 20;
const SMALL_MESSAGE_BYTES = 64 * 2 ** 10;

function collectiveConstants(
  points: readonly CollectivePoint[],
  accelerator: Accelerator,
  base: HardwareCalibration,
  out: Record<string, number>,
  from: Record<string, string>,
): void {
  for (const scope of ["scaleUp", "scaleOut"] as const) {
    const inScope = points.filter((p) => (scope === "scaleUp" ? p.nodes <= 1 : p.nodes > 1) && p.ranks > 1);
    const large = inScope.filter((p) => p.bytes >= LARGE_MESSAGE_BYTES && p.op !== "all_to_all");
    if (large.length > 0) {
      const link =
        scope === "scaleUp"
          ? accelerator.scaleUpBytesPerSecond
          : gbpsToBytesPerSecond(accelerator.scaleOutGbps);
      const best = Math.max(...large.map((p) => p.bus_GBps)) * 1e9;
      out[`${scope}BusFraction`] = clamp(`${scope}BusFraction`, best / link);
      from[`${scope}BusFraction`] = `best bus bandwidth of ${large.length} collectives of 64 MiB or more`;
    }
    const small = inScope.filter((p) => p.bytes <= SMALL_MESSAGE_BYTES && p.op === "all_reduce");
    if (small.length > 0) {
      const perStep = small.map(
        (p) => (p.seconds_median - base.collectiveBaseLatencySeconds) / (2 * (p.ranks - 1)),
      );
      out[`${scope}LatencySeconds`] = clamp(`${scope}LatencySeconds`, Math.min(...perStep));
      from[`${scope}LatencySeconds`] = `smallest all-reduce time over its ${2}(n-1) ring steps`;
    }
  }
}

/** Reads a measurement file; `base` is the generation's catalog calibration the fit starts from. */
export function readMeasurements(
  value: unknown,
  baseFor: (accelerator: Accelerator) => HardwareCalibration,
): Measurements {
  const file = value as MeasurementFile;
  const accelerator =
    (typeof file.accelerator === "string"
      ? ACCELERATORS.find((a) => a.name === file.accelerator)
      : undefined) ?? acceleratorForDevice(file.device ?? "");
  if (!accelerator) {
    throw new InputError(
      "accelerator",
      file.accelerator ?? file.device,
      `a catalog accelerator (${ACCELERATORS.map((a) => a.name).join(", ")}); add "accelerator" to the file`,
    );
  }
  const base = baseFor(accelerator);
  const hardware: Record<string, unknown> = {};
  const numbers: Record<string, number> = {};
  const measuredFrom: Record<string, string> = {};
  const gemm = fitGemmCurve(file.bf16_gemm ?? [], accelerator.bf16DenseFlops);
  if (gemm) {
    hardware.gemm = gemm;
    measuredFrom.gemm = `${file.bf16_gemm?.length} BF16 GEMM rates`;
  }
  const flash = fitFlashCurve(file.flash_attention_causal_bf16 ?? [], accelerator.bf16DenseFlops);
  if (flash) {
    hardware.flashAttention = flash;
    measuredFrom.flashAttention = `${file.flash_attention_causal_bf16?.length} causal attention rates`;
  }
  const adam = file.adamw_fused_fp32 ?? [];
  if (adam.length > 0) {
    const best = Math.max(...adam.map((a) => a.GBps_at_min_bytes)) * 1e9;
    numbers.optimizerBandwidthFraction = clamp(
      "optimizerBandwidthFraction",
      best / accelerator.hbmBytesPerSecond,
    );
    measuredFrom.optimizerBandwidthFraction = `fused AdamW at ${(best / 1e9).toFixed(0)} GB/s`;
  }
  collectiveConstants(file.collectives ?? [], accelerator, base, numbers, measuredFrom);
  const miniRuns = file.mini_runs ?? [];
  const runs =
    miniRuns.length === 0
      ? []
      : parseRunsYaml(JSON.stringify(miniRuns.map((run) => flattenMiniRun(run)))).map((run, index) => ({
          ...run,
          id: run.id.startsWith("runs[") ? `mini_runs[${index}]` : run.id,
          where: `mini_runs[${index}]`,
        }));
  return { accelerator, hardware: { ...hardware, ...numbers }, measuredFrom, runs };
}

/** A mini-run is `{ scenario, measured }`: the runs file's shape is the scenario with measured beside. */
function flattenMiniRun(run: unknown): unknown {
  if (typeof run !== "object" || run === null) return run;
  const { scenario, measured } = run as { scenario?: unknown; measured?: unknown };
  return typeof scenario === "object" && scenario !== null ? { ...scenario, measured } : run;
}
