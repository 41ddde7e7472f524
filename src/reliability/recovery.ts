import type { FailureCause } from "../catalog/failure-mixes.ts";
import { SILENT_CAUSES } from "../catalog/failure-mixes.ts";
import type { RecoveryPractice } from "../catalog/recovery-presets.ts";

// What a recovery practice does to each failure: how long the restart takes at the job's size, whether
// the in-memory checkpoint survives it, and what waits for a spare or a late-found corruption add.

/** A restart at `ranks` ranks: the fixed part plus communicator set-up growing with the ranks. */
export function restartSecondsAt(
  practice: Pick<RecoveryPractice, "restartFixedSeconds" | "restartSecondsPerThousandRanks">,
  ranks: number,
): number {
  return practice.restartFixedSeconds + (practice.restartSecondsPerThousandRanks * ranks) / 1000;
}

/**
 * Whether a failure of `cause` destroys the newest in-memory checkpoint: software failures leave host
 * memory alone; a hardware failure takes its node's copy, and a rack-wide one every copy in the rack.
 */
export function inMemoryCheckpointLost(
  cause: FailureCause,
  practice: Pick<RecoveryPractice, "replica">,
): boolean {
  if (!cause.hardware) return false;
  if (practice.replica === "none") return true;
  return practice.replica === "same-rack" && cause.scope === "rack";
}

/**
 * P(N >= pool) for N ~ Poisson(mean): the chance a failure finds every spare already in repair. Nodes in
 * repair form an M/G/infinity queue, so their number is Poisson with mean = failures per second x repair.
 */
export function poissonAtLeast(mean: number, pool: number): number {
  if (pool <= 0) return 1;
  if (mean <= 0) return 0;
  let term = Math.exp(-mean);
  // Past about 745 the first term underflows; the mean is then so far from any pool that the answer is plain.
  if (term === 0) return mean >= pool ? 1 : 0;
  // The tail summed directly (not 1 - the head), so a tiny chance stays tiny rather than rounding error.
  let head = 0;
  let tail = 0;
  for (let k = 0; ; k++) {
    if (k < pool) head += term;
    else {
      tail += term;
      if (term <= tail * 1e-17) break;
    }
    term *= mean / (k + 1);
    if (term === 0) break;
  }
  return Math.min(1, tail / (head + tail));
}

/** The time a failure of one cause costs beyond detection, restart and the normal load, by kind. */
export interface CauseRecoveryExtra {
  /** Waiting for a repair without a spare (or the slower stretch with shrink). */
  readonly repairSeconds: number;
  /** Reading a durable checkpoint from storage when the in-memory copy is gone. */
  readonly reloadSeconds: number;
  /** Training redone: back to the durable checkpoint, or since a corruption struck. */
  readonly redoSeconds: number;
}

export function extraSeconds(extra: CauseRecoveryExtra): number {
  return extra.repairSeconds + extra.reloadSeconds + extra.redoSeconds;
}

/**
 * What one cause adds. `noSpareWaitSeconds` is the wait when no spare is left; `sparesShortChance` the
 * chance of that; `storageLoadSeconds` the durable checkpoint's read at the store's rate; the in-memory
 * copy's own load is already in the base recovery.
 */
export function causeRecoveryExtra(
  cause: FailureCause,
  practice: RecoveryPractice,
  mode: "sync" | "async" | "in-memory",
  noSpareWaitSeconds: number,
  sparesShortChance: number,
  storageLoadSeconds: number,
): CauseRecoveryExtra {
  const lost = mode === "in-memory" && inMemoryCheckpointLost(cause, practice);
  // A failure lands anywhere in the durable interval: on average half of it is redone.
  const fallbackRedo = lost ? practice.durableIntervalSeconds / 2 : 0;
  const sdcRedo = SILENT_CAUSES.has(cause.name) ? practice.sdcDetectionSeconds : 0;
  return {
    repairSeconds: cause.hardware ? noSpareWaitSeconds * sparesShortChance : 0,
    reloadSeconds: lost ? storageLoadSeconds : 0,
    redoSeconds: fallbackRedo + sdcRedo,
  };
}

/** One recovery feature a site can add, in the order the ladder adds them. */
export interface RecoveryFeature {
  readonly id: string;
  readonly label: string;
  /** The practice `from` with this feature taken from `to`. */
  apply(from: RecoveryPractice, to: RecoveryPractice): RecoveryPractice;
  /** Whether `to` differs from `from` in this feature. */
  differs(from: RecoveryPractice, to: RecoveryPractice): boolean;
}

export const RECOVERY_FEATURES: readonly RecoveryFeature[] = [
  {
    id: "detection",
    label: "fast detection (health checks, short NCCL timeouts)",
    apply: (from, to) => ({ ...from, detectSeconds: to.detectSeconds }),
    differs: (from, to) => from.detectSeconds !== to.detectSeconds,
  },
  {
    id: "in-job-restart",
    label: "in-job restart (no reschedule; set-up still grows with ranks)",
    apply: (from, to) => ({
      ...from,
      restart: to.restart,
      restartFixedSeconds: to.restartFixedSeconds,
      restartSecondsPerThousandRanks: to.restartSecondsPerThousandRanks,
    }),
    differs: (from, to) =>
      from.restart !== to.restart ||
      from.restartFixedSeconds !== to.restartFixedSeconds ||
      from.restartSecondsPerThousandRanks !== to.restartSecondsPerThousandRanks,
  },
  {
    id: "async-checkpoints",
    label: "asynchronous checkpoints (snapshot to host memory, write behind)",
    apply: (from, to) =>
      to.checkpointMode === "async" || to.checkpointMode === "in-memory"
        ? { ...from, checkpointMode: "async" }
        : from,
    differs: (from, to) =>
      (to.checkpointMode === "async" || to.checkpointMode === "in-memory") &&
      from.checkpointMode !== "async" &&
      from.checkpointMode !== "in-memory",
  },
  {
    id: "in-memory-checkpoints",
    label: "in-memory checkpoints with a peer copy",
    apply: (from, to) =>
      to.checkpointMode === "in-memory"
        ? {
            ...from,
            checkpointMode: "in-memory",
            replica: to.replica,
            durableIntervalSeconds: to.durableIntervalSeconds,
          }
        : from,
    differs: (from, to) => to.checkpointMode === "in-memory" && from.checkpointMode !== "in-memory",
  },
  {
    id: "straggler-eviction",
    label: "straggler and degraded-node eviction",
    apply: (from, to) => ({ ...from, stragglerEvictedShare: to.stragglerEvictedShare }),
    differs: (from, to) => from.stragglerEvictedShare !== to.stragglerEvictedShare,
  },
];

/**
 * The practices from `from` to `to`, adding one feature at a time (only those that differ); the last
 * is `from` with every feature of `to`. Spares and late corruption are the site's facts, not features:
 * they stay as `to` has them throughout, so each step changes one thing.
 */
export function recoveryLadder(
  from: RecoveryPractice,
  to: RecoveryPractice,
): { feature: RecoveryFeature | undefined; practice: RecoveryPractice }[] {
  const { spareNodesPerThousand: _fromSpares, ...fromRest } = from;
  let current: RecoveryPractice = {
    ...fromRest,
    ...(to.spareNodesPerThousand !== undefined ? { spareNodesPerThousand: to.spareNodesPerThousand } : {}),
    sdcDetectionSeconds: to.sdcDetectionSeconds,
  };
  const steps: { feature: RecoveryFeature | undefined; practice: RecoveryPractice }[] = [
    { feature: undefined, practice: current },
  ];
  for (const feature of RECOVERY_FEATURES) {
    if (!feature.differs(current, to)) continue;
    current = feature.apply(current, to);
    steps.push({ feature, practice: current });
  }
  return steps;
}
