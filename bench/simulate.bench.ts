// Run-simulation speed: 4,000 Monte Carlo trials (the most under the 50 M-interruption limit) of a 200,000-GPU, 120-day run on one core, repeated,
// reporting the median. Run with `npm run bench`.

import { ACCELERATORS } from "../src/catalog/accelerators.ts";
import { FAILURE_MIXES } from "../src/catalog/failure-mixes.ts";
import { lookup } from "../src/catalog/lookup.ts";
import { NETWORK_GEAR } from "../src/catalog/network-gear.ts";
import { PLATFORMS } from "../src/catalog/platforms.ts";
import { SITES } from "../src/catalog/sites.ts";
import { buildout } from "../src/facility/buildout.ts";
import { simulateRun } from "../src/reliability/simulate.ts";

const REPEATS = Number(process.env.REPEATS ?? 7);
const gpus = 200000;
const cluster = buildout({
  accelerator: lookup(ACCELERATORS, "h100-sxm", "", ""),
  platform: lookup(PLATFORMS, "hgx-h100-liquid", "", ""),
  gear: lookup(NETWORK_GEAR, "spectrum-x", "", ""),
  site: lookup(SITES, "colossus-200k", "", ""),
  gpus,
});
const seconds: number[] = [];
let interruptions = 0;
for (let i = 0; i < REPEATS; i++) {
  const result = simulateRun(
    {
      gpus,
      gpusPerNode: 8,
      gpusPerRack: 8,
      dataParallel: 1000,
      stepSeconds: 5,
      checkpointBytes: 1.8e12 * 14,
      peerBytesPerSecondPerGpu: 40e9,
      buildout: cluster,
    },
    {
      mix: lookup(FAILURE_MIXES, "llama-3", "", ""),
      rateScale: 1,
      detectSeconds: 180,
      restartSeconds: 600,
      spares: true,
      repairSeconds: 14400,
      shrink: false,
      stragglerSlowdown: 0,
    },
    {
      mode: "async",
      interval: "daly",
      storage: {
        writeBytesPerSecondPerNode: 25e9,
        readBytesPerSecondPerNode: 25e9,
        aggregateWriteBytesPerSecond: 2e12,
        aggregateReadBytesPerSecond: 7e12,
        hostCopyBytesPerSecondPerGpu: 25e9,
      },
    },
    { trials: 4000, seed: i + 1, days: 120 },
  );
  seconds.push(result.seconds);
  interruptions = result.interruptions.mean;
}
const sorted = [...seconds].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
console.log(
  `4,000 trials of a 200,000-GPU, 120-day run: median ${median.toFixed(2)} s (min ${(sorted[0] ?? 0).toFixed(2)} s) ` +
    `over ${REPEATS} runs on one core; ${Math.round(interruptions).toLocaleString("en-US")} interruptions per trial`,
);
