// Checkpoint size and cost, and the interval that balances checkpoint overhead against lost work.

export type CheckpointMode = "sync" | "async" | "in-memory";

export interface CheckpointStorage {
  /** Write and read rate of one node to the checkpoint store. */
  readonly writeBytesPerSecondPerNode: number;
  readonly readBytesPerSecondPerNode: number;
  /** The store's own limits, shared by all nodes. */
  readonly aggregateWriteBytesPerSecond: number;
  readonly aggregateReadBytesPerSecond: number;
  /** GPU-to-host copy rate for an asynchronous snapshot (PCIe). */
  readonly hostCopyBytesPerSecondPerGpu: number;
}

export interface CheckpointCost {
  readonly bytes: number;
  /** Training stalls this long per checkpoint. */
  readonly blockingSeconds: number;
  /** Time until the checkpoint is durable (the write may continue in the background). */
  readonly writeSeconds: number;
  /** Reading it back after a failure. */
  readonly loadSeconds: number;
}

export function checkpointCost(
  bytes: number,
  gpus: number,
  gpusPerNode: number,
  mode: CheckpointMode,
  storage: CheckpointStorage,
  peerBytesPerSecondPerGpu: number,
): CheckpointCost {
  const nodes = Math.max(1, Math.ceil(gpus / gpusPerNode));
  const write =
    bytes / Math.min(nodes * storage.writeBytesPerSecondPerNode, storage.aggregateWriteBytesPerSecond);
  const read =
    bytes / Math.min(nodes * storage.readBytesPerSecondPerNode, storage.aggregateReadBytesPerSecond);
  const snapshot = bytes / gpus / storage.hostCopyBytesPerSecondPerGpu;
  if (mode === "sync") return { bytes, blockingSeconds: write, writeSeconds: write, loadSeconds: read };
  if (mode === "async")
    return { bytes, blockingSeconds: snapshot, writeSeconds: snapshot + write, loadSeconds: read };
  // In-memory: copies kept in a peer's host memory; recovery reads them over the network.
  const peer = bytes / gpus / peerBytesPerSecondPerGpu;
  return { bytes, blockingSeconds: snapshot, writeSeconds: snapshot + peer, loadSeconds: peer };
}

/** Young (1974): the first-order optimum, sqrt(2 delta M). */
export function youngIntervalSeconds(checkpointSeconds: number, mtbfSeconds: number): number {
  return Math.sqrt(2 * checkpointSeconds * mtbfSeconds);
}

/** Daly (2006): the higher-order optimum for exponential failures; M itself once delta reaches 2M. */
export function dalyIntervalSeconds(checkpointSeconds: number, mtbfSeconds: number): number {
  const delta = checkpointSeconds;
  const m = mtbfSeconds;
  if (delta >= 2 * m) return m;
  const x = delta / (2 * m);
  return Math.sqrt(2 * delta * m) * (1 + Math.sqrt(x) / 3 + x / 9) - delta;
}
