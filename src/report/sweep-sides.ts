import type { SweepRow } from "../pipeline/sweep.ts";

/**
 * Which columns a sweep's table and CSV carry: the serving ones when some point has a serving fleet;
 * the training ones unless only serving points have figures (a serve-only file), so a training sweep
 * reads as it always has.
 */
export function sweepSides(rows: readonly SweepRow[]): { training: boolean; serving: boolean } {
  const serving = rows.some((row) => row.servingGpus !== undefined);
  return { training: !serving || rows.some((row) => row.gpus !== undefined), serving };
}
