import { FAILURE_MIXES } from "../catalog/failure-mixes.ts";
import { lookup } from "../catalog/lookup.ts";
import { RECOVERY_PRESETS, type RecoveryPractice } from "../catalog/recovery-presets.ts";
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

type RawReliability = Exclude<NonNullable<ParsedScenario["reliability"]>, string>;

/**
 * reliability.recovery: a preset's name, or a site's own fields over a preset (baseline-2024 unless
 * named). The scenario's explicit detectMinutes, restartMinutes and checkpoint.mode win over the
 * practice's, so a user's own figure is never silently replaced.
 */
function resolveRecovery(
  raw: RawReliability,
  path: string,
  checkpointMode: "sync" | "async" | "in-memory" | undefined,
): RecoveryPractice | undefined {
  const given = raw.recovery;
  if (given === undefined) return undefined;
  const own = typeof given === "string" ? {} : given;
  const name = typeof given === "string" ? given : (given.preset ?? "baseline-2024");
  const at = typeof given === "string" ? `${path}.recovery` : `${path}.recovery.preset`;
  const base = lookup(RECOVERY_PRESETS, name, at, "recovery practice");
  const spares = own.spareNodesPerThousand ?? base.spareNodesPerThousand;
  const mode = checkpointMode ?? own.checkpointMode ?? base.checkpointMode;
  const { spareNodesPerThousand: _spares, checkpointMode: _mode, ...rest } = base;
  const custom = typeof given !== "string" && Object.keys(given).some((key) => key !== "preset");
  return {
    ...rest,
    ...(custom
      ? { name: `${base.name} (site's own)`, displayName: `${base.displayName}, with the site's own changes` }
      : {}),
    detectSeconds:
      raw.detectMinutes !== undefined ? raw.detectMinutes * 60 : (own.detectSeconds ?? base.detectSeconds),
    restart: own.restart ?? base.restart,
    restartFixedSeconds:
      raw.restartMinutes !== undefined
        ? raw.restartMinutes * 60
        : (own.restartFixedSeconds ?? base.restartFixedSeconds),
    restartSecondsPerThousandRanks: own.restartSecondsPerThousandRanks ?? base.restartSecondsPerThousandRanks,
    ...(mode ? { checkpointMode: mode } : {}),
    replica: own.replica ?? base.replica,
    durableIntervalSeconds:
      own.durableIntervalMinutes !== undefined
        ? own.durableIntervalMinutes * 60
        : base.durableIntervalSeconds,
    ...(spares !== undefined ? { spareNodesPerThousand: spares } : {}),
    stragglerEvictedShare: own.stragglerEvictedShare ?? base.stragglerEvictedShare,
    sdcDetectionSeconds:
      own.sdcDetectionMinutes !== undefined ? own.sdcDetectionMinutes * 60 : base.sdcDetectionSeconds,
  };
}

export function resolveRunSettings(scenario: ParsedScenario): RunSettings {
  const raw =
    typeof scenario.reliability === "string"
      ? { preset: scenario.reliability }
      : (scenario.reliability ?? {});
  const path = typeof scenario.reliability === "string" ? "reliability" : "reliability.preset";
  const mix = lookup(FAILURE_MIXES, raw.preset ?? "llama-3", path, "failure mix");
  const checkpoint = scenario.checkpoint ?? {};
  const simulation = scenario.simulation ?? {};
  const recovery = resolveRecovery(raw, "reliability", checkpoint.mode);
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
      ...(recovery ? { recovery } : {}),
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
