import { FAILURE_MIXES } from "../catalog/failure-mixes.ts";
import { lookup } from "../catalog/lookup.ts";
import type { CheckpointSettings, ReliabilitySettings, SimulationSettings } from "../reliability/simulate.ts";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../units.ts";
import type { ParsedScenario } from "./schema.ts";

export interface RunSettings {
  readonly reliability: ReliabilitySettings;
  readonly checkpoint: CheckpointSettings;
  readonly simulation: SimulationSettings;
}

// Defaults, each an assumption a user can change in the scenario.
const DEFAULTS = {
  /** NCCL watchdog and health checks notice a dead rank within minutes. */
  detectMinutes: 3,
  /** Rescheduling, process start and NCCL set-up at scale. */
  restartMinutes: 10,
  repairHours: 4,
  /** Llama 3's Tectonic store: 2 TB/s sustained, 7 TB/s peak (arXiv 2407.21783, section 3.3.1). */
  aggregateWriteGBps: 2000,
  aggregateReadGBps: 7000,
  /** Per node to the storage fabric (2 x 200 Gb/s front-end NICs). */
  nodeGBps: 25,
  /** GPU to pinned host memory over PCIe Gen5 x16, effective. */
  hostCopyGBps: 25,
  trials: 1000,
  seed: 1,
};

export function resolveRunSettings(scenario: ParsedScenario): RunSettings {
  const raw =
    typeof scenario.reliability === "string"
      ? { preset: scenario.reliability }
      : (scenario.reliability ?? {});
  const path = typeof scenario.reliability === "string" ? "reliability" : "reliability.preset";
  const mix = lookup(FAILURE_MIXES, raw.preset ?? "llama-3", path, "failure mix");
  const checkpoint = scenario.checkpoint ?? {};
  const simulation = scenario.simulation ?? {};
  const gbps = (value: number | undefined, fallback: number) => (value ?? fallback) * 1e9;
  return {
    reliability: {
      mix,
      rateScale: raw.rateScale ?? 1,
      detectSeconds: (raw.detectMinutes ?? DEFAULTS.detectMinutes) * 60,
      restartSeconds: (raw.restartMinutes ?? DEFAULTS.restartMinutes) * 60,
      spares: raw.spares ?? true,
      repairSeconds: (raw.repairHours ?? DEFAULTS.repairHours) * SECONDS_PER_HOUR,
      shrink: raw.shrink ?? false,
      stragglerSlowdown: raw.stragglerSlowdown ?? 0,
      ...(raw.wearIn
        ? { wearIn: { extra: raw.wearIn.extra, halfLifeSeconds: raw.wearIn.halfLifeDays * SECONDS_PER_DAY } }
        : {}),
    },
    checkpoint: {
      mode: checkpoint.mode ?? "sync",
      interval:
        typeof checkpoint.interval === "number" ? checkpoint.interval * 60 : (checkpoint.interval ?? "daly"),
      storage: {
        writeBytesPerSecondPerNode: gbps(checkpoint.writeGBpsPerNode, DEFAULTS.nodeGBps),
        readBytesPerSecondPerNode: gbps(checkpoint.readGBpsPerNode, DEFAULTS.nodeGBps),
        aggregateWriteBytesPerSecond: gbps(checkpoint.aggregateWriteGBps, DEFAULTS.aggregateWriteGBps),
        aggregateReadBytesPerSecond: gbps(checkpoint.aggregateReadGBps, DEFAULTS.aggregateReadGBps),
        hostCopyBytesPerSecondPerGpu: DEFAULTS.hostCopyGBps * 1e9,
      },
    },
    simulation: {
      trials: simulation.trials ?? DEFAULTS.trials,
      seed: simulation.seed ?? DEFAULTS.seed,
      ...(simulation.days !== undefined ? { days: simulation.days } : {}),
    },
  };
}
