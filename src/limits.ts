// Every limit on the work an input can ask for, stated once: the schema, the checks and their messages
// all quote these, so a user sees the same figure wherever a limit is met.

import { formatNumber } from "./units.ts";

/** Largest scenario file read (bytes); a scenario is a few kilobytes. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

/** GPUs in one cluster: beyond any site announced (Stargate's 1 GW holds about 500,000 Blackwell GPUs). */
export const MAX_GPUS = 10_000_000;

/** Monte Carlo trials of one run. */
export const MAX_TRIALS = 1_000_000;

/** Longest simulated window (days). */
export const MAX_WINDOW_DAYS = 36_500;

/** Interruptions simulated in all trials together: about 6 s on one core at ~30 ns each, less on worker threads. */
export const MAX_SIMULATED_EVENTS = 200_000_000;

/** Interruptions one trial may take: more, and the run is not making progress. */
export const MAX_EVENTS_PER_TRIAL = 10_000_000;

/** Points of one sweep. */
export const MAX_SWEEP_POINTS = 2_000;

/** Samples of one uncertainty analysis. */
export const MAX_UNCERTAINTY_SAMPLES = 10_000;

/** A limit as every message writes it: whole numbers grouped (10,000,000), others as they are. */
export function limitText(limit: number): string {
  return Number.isInteger(limit) && Math.abs(limit) < 2 ** 53 ? formatNumber(limit) : String(limit);
}
