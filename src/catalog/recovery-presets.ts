import type { Source } from "./source.ts";

// How a site recovers a training job from a failure, as named practices with their sources: how fast
// it notices, how it restarts, where its checkpoints live, spares, stragglers and late-found corruption.

/** Where an in-memory checkpoint's second copy lives: none, a node in the same rack, or another rack. */
export type CheckpointReplica = "none" | "same-rack" | "other-rack";

export interface RecoveryPractice {
  readonly name: string;
  readonly displayName: string;
  /** Failure to the job knowing it: health checks, heartbeats, NCCL watchdog timeouts. */
  readonly detectSeconds: number;
  /** A full job restart (reschedule, containers, interpreters, CUDA contexts) or an in-job one. */
  readonly restart: "job" | "in-job";
  /** The part of a restart that does not grow with the job. */
  readonly restartFixedSeconds: number;
  /** Communicator set-up and rendezvous that grow with the ranks: seconds per 1,000 ranks. */
  readonly restartSecondsPerThousandRanks: number;
  /** Checkpoint mode; absent: the scenario's checkpoint.mode (sync by default). */
  readonly checkpointMode?: "sync" | "async" | "in-memory";
  /** In-memory checkpoints only: where the copy that survives a node loss is kept. */
  readonly replica: CheckpointReplica;
  /** In-memory checkpoints only: training seconds between the durable copies on storage. */
  readonly durableIntervalSeconds: number;
  /** Spare nodes kept per 1,000 nodes of the job; absent: reliability.spares (true: never runs out). */
  readonly spareNodesPerThousand?: number;
  /** Share of the straggler slowdown removed by finding and evicting slow or degraded nodes (0-1). */
  readonly stragglerEvictedShare: number;
  /** Silent data corruption found this long after it struck: the work since is redone. */
  readonly sdcDetectionSeconds: number;
  readonly source: Source;
}

export const RECOVERY_PRESETS: readonly RecoveryPractice[] = [
  {
    name: "baseline-2024",
    displayName: "Baseline 2024: fixed 3 min detection + 10 min full job restart, checkpoints as set",
    detectSeconds: 180,
    restart: "job",
    restartFixedSeconds: 600,
    restartSecondsPerThousandRanks: 0,
    replica: "none",
    durableIntervalSeconds: 0,
    stragglerEvictedShare: 0,
    sdcDetectionSeconds: 0,
    source: {
      ref: "gigacluster's defaults before recovery practices (reliability.detectMinutes 3, restartMinutes 10); Llama 3 Herd of Models (arXiv 2407.21783) section 3.3.4: automated recovery from most of 419 unexpected interruptions in 54 days, above 90% effective training time on 16,384 H100",
      kind: "estimate",
      note: "a restart that does not grow with the job; hot spares as reliability.spares says",
    },
  },
  {
    name: "practice-2025",
    displayName:
      "Practice 2025: 30 s health-check detection, in-job restart, in-memory checkpoints copied to another rack, straggler eviction",
    detectSeconds: 30,
    restart: "in-job",
    restartFixedSeconds: 30,
    restartSecondsPerThousandRanks: 1,
    checkpointMode: "in-memory",
    replica: "other-rack",
    durableIntervalSeconds: 3600,
    spareNodesPerThousand: 20,
    stragglerEvictedShare: 0.75,
    sdcDetectionSeconds: 0,
    source: {
      ref:
        "NVIDIA Resiliency Extension docs (nvidia.github.io/nvidia-resiliency-ext, 2025): in-process restart avoids a new scheduler job, container, interpreter and CUDA context; " +
        "CudaHealthCheck timeout 30 s; local checkpoints in host memory with replication; straggler detection. " +
        "ByteRobust (Wan et al., arXiv 2509.16293, SOSP 2025): 97% ETTR on a 3-month 9,600-GPU job with warm standby machines, over-eviction of suspect machines and in-memory checkpoints (blocking time cut 99.69%). " +
        "NVIDIA Mission Control Autonomous Job Recovery docs (2025): downtime = detection + shutdown + checkpoint load + recomputed work",
      kind: "estimate",
      note:
        "the 30 s restart floor, 1 s per 1,000 ranks of communicator set-up (100 s at 100,000 ranks), hourly durable copies, " +
        "20 spares per 1,000 nodes and 75% of straggler slowdown evicted are estimates consistent with these reports, not measured values",
    },
  },
];
