// Run-simulation speed: 10,000 Monte Carlo trials (about 114 M interruptions, under the 200 M limit) of
// a 200,000-GPU, 120-day run, in process and on 2 and all cores' worker threads
// (the CLI's `simulate --workers N`), repeated, reporting the median trials per second. The thread pool
// starts once before the timed runs (its start-up is reported apart: from source, tsx compiles in each
// thread). Each run is checked to give the same bytes as in process. Run with `npm run bench`.

import { defaultWorkers, TrialPool } from "../src/cli/parallel-trials.ts";
import {
  type ReliabilitySettings,
  type SimulationResult,
  type SimulationSettings,
  simulateRun,
  simulationModel,
  trialChunks,
} from "../src/reliability/simulate.ts";
import { ASYNC_DALY_CHECKPOINT, benchRun200k, llama3Reliability } from "../test/helpers.ts";

const REPEATS = Number(process.env.REPEATS ?? 7);
const TRIALS = 10000;
const run = benchRun200k();
const reliability: ReliabilitySettings = llama3Reliability();
const checkpoint = ASYNC_DALY_CHECKPOINT;

/** The result without its wall-clock time: what must match byte for byte. */
function bytes(result: SimulationResult): string {
  const { seconds, ...rest } = result;
  return JSON.stringify(rest);
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const inProcess = new Map<number, string>();
let interruptions = 0;
const lines: string[] = [];
for (const workers of [...new Set([1, 2, defaultWorkers()])]) {
  const started = performance.now();
  const pool = workers > 1 ? new TrialPool(workers) : undefined;
  // One untimed run starts the threads and warms them up.
  const warm: SimulationSettings = { trials: 200, seed: 0, days: 120 };
  await pool?.run(simulationModel(run, reliability, checkpoint, warm), 0, trialChunks(warm.trials));
  const startup = performance.now() - started;
  const rates: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const settings: SimulationSettings = { trials: TRIALS, seed: i + 1, days: 120 };
    const t = performance.now();
    const computed = pool
      ? await pool.run(
          simulationModel(run, reliability, checkpoint, settings),
          settings.seed,
          trialChunks(TRIALS),
        )
      : undefined;
    const result = simulateRun(run, reliability, checkpoint, settings, undefined, computed);
    rates.push(TRIALS / ((performance.now() - t) / 1000));
    interruptions = result.interruptions.mean;
    if (!pool) inProcess.set(settings.seed, bytes(result));
    else if (inProcess.get(settings.seed) !== bytes(result))
      throw new Error(`${workers} threads: other bytes`);
  }
  await pool?.close();
  lines.push(
    `  ${workers === 1 ? "in process" : `${workers} threads`}: median ${Math.round(median(rates)).toLocaleString("en-US")} trials/s ` +
      `(best ${Math.round(Math.max(...rates)).toLocaleString("en-US")})` +
      (pool ? `, pool start-up ${Math.round(startup)} ms` : ""),
  );
}
console.log(
  `${TRIALS.toLocaleString("en-US")} trials of a 200,000-GPU, 120-day run, ${REPEATS} runs each, ` +
    `${Math.round(interruptions).toLocaleString("en-US")} interruptions per trial, same bytes on every thread count:`,
);
for (const line of lines) console.log(line);
