import { ACCELERATORS } from "../catalog/accelerators.ts";
import { FAILURE_MIXES, type FailureMix } from "../catalog/failure-mixes.ts";
import { lookup } from "../catalog/lookup.ts";
import { NETWORK_GEAR } from "../catalog/network-gear.ts";
import { PLATFORMS } from "../catalog/platforms.ts";
import { RECOVERY_PRESETS, type RecoveryPractice } from "../catalog/recovery-presets.ts";
import { SITES } from "../catalog/sites.ts";
import type { Source } from "../catalog/source.ts";
import { buildout } from "../facility/buildout.ts";
import {
  type CheckpointSettings,
  type ReliabilitySettings,
  type RunInput,
  simulateRun,
} from "../reliability/simulate.ts";

// "Run model" validation: the published large-run reliability figures, each reproduced from its own
// stated set-up (GPUs, duration, failure rate, recovery practice), with a stated tolerance. Where a
// report gives no failure rate, Llama 3's per-GPU rate stands in, and the row says so.

/** How the published figure reads: a value, a floor ("above 90%") or a ceiling ("under 1%"). */
export type PublishedBound = "about" | "at-least" | "at-most";

export interface RunModelCheck {
  readonly id: string;
  readonly source: string;
  readonly what: string;
  readonly bound: PublishedBound;
  readonly published: number;
  readonly ours: number;
  /** ours - published (relative for counts, absolute for shares); 0 when a bound is met. */
  readonly error: number;
  readonly tolerance: number;
  readonly pass: boolean;
  /** What the set-up assumes beyond the report (estimates). */
  readonly assumptions: string;
}

/** Tolerance on a share of time (goodput, downtime): the model counts failures only, not every pause. */
const SHARE_TOLERANCE = 0.03;
/** Tolerance on a count of interruptions: the Monte Carlo spread of a Poisson count of ~400 (1 sigma 5%). */
const COUNT_TOLERANCE = 0.05;
const TRIALS = 300;
const SEED = 1;

const STORAGE: CheckpointSettings["storage"] = {
  // Llama 3's Tectonic store (arXiv 2407.21783, section 3.3.1): 2 TB/s sustained, 7 TB/s peak.
  writeBytesPerSecondPerNode: 25e9,
  readBytesPerSecondPerNode: 25e9,
  aggregateWriteBytesPerSecond: 2e12,
  aggregateReadBytesPerSecond: 7e12,
  hostCopyBytesPerSecondPerGpu: 25e9,
};

const practice = (name: string): RecoveryPractice => lookup(RECOVERY_PRESETS, name, "recovery", "recovery");
const mix = (name: string): FailureMix => lookup(FAILURE_MIXES, name, "reliability", "failure mix");

interface Setup {
  readonly gpus: number;
  readonly accelerator: string;
  readonly platform: string;
  readonly days: number;
  /** Weights + optimizer state of the model trained (bytes). */
  readonly checkpointBytes: number;
  readonly mix: FailureMix;
  readonly recovery: RecoveryPractice;
  readonly mode: CheckpointSettings["mode"];
}

function simulateSetup(setup: Setup) {
  const platform = lookup(PLATFORMS, setup.platform, "platform", "platform");
  const run: RunInput = {
    gpus: setup.gpus,
    gpusPerNode: platform.gpusPerHost,
    gpusPerRack: platform.gpusPerServer,
    dataParallel: Math.max(1, Math.floor(setup.gpus / 128)),
    // A window is simulated: the step only bounds the checkpoint interval from below.
    stepSeconds: 1,
    checkpointBytes: setup.checkpointBytes,
    peerBytesPerSecondPerGpu: 40e9,
    buildout: buildout({
      accelerator: lookup(ACCELERATORS, setup.accelerator, "accelerator", "accelerator"),
      platform,
      gear: lookup(NETWORK_GEAR, "infiniband-ndr", "network", "network"),
      site: lookup(SITES, "generic-2025", "site", "site"),
      gpus: setup.gpus,
    }),
  };
  const reliability: ReliabilitySettings = {
    mix: setup.mix,
    rateScale: 1,
    detectSeconds: setup.recovery.detectSeconds,
    restartSeconds: setup.recovery.restartFixedSeconds,
    spares: true,
    repairSeconds: 4 * 3600,
    shrink: false,
    stragglerSlowdown: 0,
    recovery: setup.recovery,
  };
  return simulateRun(
    run,
    reliability,
    { mode: setup.mode, interval: "daly", storage: STORAGE },
    { trials: TRIALS, seed: SEED, days: setup.days },
  );
}

function check(row: Omit<RunModelCheck, "error" | "pass">, relative = false): RunModelCheck {
  const raw = relative ? (row.ours - row.published) / row.published : row.ours - row.published;
  const error =
    row.bound === "at-least" ? Math.min(0, raw) : row.bound === "at-most" ? Math.max(0, raw) : raw;
  return { ...row, error, pass: Math.abs(error) <= row.tolerance };
}

/** Llama 3 405B's optimizer state and weights: 405.85 B parameters x 14 bytes (bf16 + fp32 master + Adam). */
const LLAMA_405B_CHECKPOINT_BYTES = 405.85e9 * 14;
/** A 7 B model's: 7.3 B x 14 bytes (OLMo Hybrid 7B). */
const SEVEN_B_CHECKPOINT_BYTES = 7.3e9 * 14;

const SOURCES: Readonly<Record<string, Source>> = {
  llama3: {
    ref: "Llama 3 Herd of Models (arXiv 2407.21783) section 3.3.4: 466 interruptions in 54 days on 16,384 H100 (419 unexpected), effective training time above 90%",
    kind: "paper",
  },
  byterobust: {
    ref: "Robust LLM Training Infrastructure at ByteDance (ByteRobust, arXiv 2509.16293, SOSP 2025): 97% ETTR on a three-month 9,600-GPU job",
    kind: "paper",
  },
  dgxCloud: {
    ref: "NVIDIA technical blog, Ensuring Reliable Model Training on NVIDIA DGX Cloud (2025): under 1% hardware downtime for training runs of 2K-10K GPUs",
    kind: "vendor",
  },
  olmo: {
    ref: "Lambda blog, Open model, open metrics: how Lambda and the Olmo team trained Olmo Hybrid (2025): 512 B200 (64 HGX B200), 3T tokens in 7 days, 97% active training time, median recovery under 4 minutes",
    kind: "vendor",
  },
};

/**
 * The published large-run reliability figures against the run model, each from its own set-up. Rows
 * fail when the error passes the tolerance; a floor or ceiling met counts as no error.
 */
export function runModelChecks(): RunModelCheck[] {
  const rows: RunModelCheck[] = [];
  const llama3 = simulateSetup({
    gpus: 16_384,
    accelerator: "h100-sxm",
    platform: "hgx-h100",
    days: 54,
    checkpointBytes: LLAMA_405B_CHECKPOINT_BYTES,
    mix: mix("llama-3"),
    recovery: practice("baseline-2024"),
    mode: "sync",
  });
  rows.push(
    check(
      {
        id: "llama-3-54-days-interruptions",
        source: SOURCES.llama3?.ref ?? "",
        what: "unexpected interruptions in 54 days on 16,384 H100",
        bound: "about",
        published: 419,
        ours: llama3.interruptions.mean,
        tolerance: COUNT_TOLERANCE,
        assumptions:
          "the failure mix is fitted to this run's Table 5, so this checks the simulation, not the rates",
      },
      true,
    ),
    check({
      id: "llama-3-54-days-goodput",
      source: SOURCES.llama3?.ref ?? "",
      what: "effective training time, 16,384 H100, 54 days",
      bound: "at-least",
      published: 0.9,
      ours: llama3.goodput.p50,
      tolerance: SHARE_TOLERANCE,
      assumptions:
        "baseline-2024 recovery (3 min detection, 10 min restart, estimates); synchronous checkpoints at 2 TB/s",
    }),
  );
  const byteRobust = simulateSetup({
    gpus: 9_600,
    accelerator: "h100-sxm",
    platform: "hgx-h100",
    days: 90,
    checkpointBytes: LLAMA_405B_CHECKPOINT_BYTES,
    mix: mix("llama-3"),
    recovery: practice("practice-2025"),
    mode: "in-memory",
  });
  rows.push(
    check({
      id: "byterobust-9600-gpus-3-months",
      source: SOURCES.byterobust?.ref ?? "",
      what: "effective training time ratio, 9,600 GPUs, 3 months",
      bound: "about",
      published: 0.97,
      ours: byteRobust.goodput.p50,
      tolerance: SHARE_TOLERANCE,
      assumptions:
        "Llama 3's failure rate per GPU-hour (the paper's own is not used); practice-2025 recovery; a 405B-sized checkpoint; the model leaves out code updates and manual pauses",
    }),
  );
  // Hardware downtime alone: only the failure mix's hardware causes, no planned stops.
  const llamaMix = mix("llama-3");
  const hardwareOnly: FailureMix = {
    ...llamaMix,
    name: "llama-3-hardware",
    causes: llamaMix.causes.filter((c) => c.hardware),
    plannedPerDay: 0,
  };
  const dgx = simulateSetup({
    gpus: 10_240,
    accelerator: "h100-sxm",
    platform: "hgx-h100",
    days: 30,
    checkpointBytes: LLAMA_405B_CHECKPOINT_BYTES,
    mix: hardwareOnly,
    recovery: practice("practice-2025"),
    mode: "in-memory",
  });
  rows.push(
    check({
      id: "dgx-cloud-10k-hardware-downtime",
      source: SOURCES.dgxCloud?.ref ?? "",
      what: "hardware downtime, 10,240 GPUs (the top of 2K-10K)",
      bound: "at-most",
      published: 0.01,
      ours: 1 - dgx.goodput.p50,
      tolerance: SHARE_TOLERANCE,
      assumptions:
        "Llama 3's hardware failure rates; practice-2025 recovery; downtime = 1 - goodput with hardware failures only",
    }),
  );
  const olmo = simulateSetup({
    gpus: 512,
    accelerator: "b200",
    platform: "dgx-b200",
    days: 7,
    checkpointBytes: SEVEN_B_CHECKPOINT_BYTES,
    mix: mix("llama-3"),
    // Median recovery under 4 minutes: 1 min detection + 3 min job restart (estimate), async checkpoints.
    recovery: {
      ...practice("baseline-2024"),
      name: "olmo-hybrid",
      detectSeconds: 60,
      restartFixedSeconds: 180,
      checkpointMode: "async",
    },
    mode: "async",
  });
  rows.push(
    check({
      id: "olmo-hybrid-512-b200",
      source: SOURCES.olmo?.ref ?? "",
      what: "active training time, 512 B200, 7 days",
      bound: "about",
      published: 0.97,
      ours: olmo.goodput.p50,
      tolerance: SHARE_TOLERANCE,
      assumptions:
        "Llama 3's failure rate per GPU-hour (no rate published); 4-minute recoveries as reported; the model leaves out pauses other than failures",
    }),
  );
  return rows;
}
