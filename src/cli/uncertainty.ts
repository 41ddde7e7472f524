import {
  summarizeUncertainty,
  type UncertaintyResult,
  uncertaintyOf,
  uncertaintyTasks,
} from "../pipeline/uncertainty.ts";
import { THREADED_UNCERTAINTY_SCENARIOS } from "../tasks.ts";
import { plannerThreadsPay, threadsFor } from "./workers.ts";

/**
 * `uncertaintyOf` (a plan's P10/P50/P90 over its uncertain inputs) with its samples and swings on
 * `workers` threads (1: in process; absent: every core for 128 or more, from 4 cores): the same result for the same
 * seed, merged in sample order.
 */
export async function uncertaintyWith(
  workers: number | undefined,
  raw: unknown,
  onProgress?: (done: number, total: number) => void,
): Promise<UncertaintyResult | undefined> {
  const tasks = uncertaintyTasks(raw);
  if (!tasks) return undefined;
  const { inputs, sampling, scenarios } = tasks;
  const big = plannerThreadsPay(scenarios.length, THREADED_UNCERTAINTY_SCENARIOS);
  const threads = threadsFor(workers, scenarios.length, big);
  if (threads <= 1) return uncertaintyOf(raw, onProgress);
  const { mapOnThreads } = await import("./task-pool.ts");
  const outcomes = await mapOnThreads("uncertaintySample", scenarios, threads, onProgress);
  return summarizeUncertainty(inputs, sampling, outcomes);
}
