import { ACCELERATORS } from "../catalog/accelerators.ts";
import { hardwareCalibrationFor } from "../catalog/hardware-calibrations.ts";
import { lookup } from "../catalog/lookup.ts";
import { MODELS } from "../catalog/models.ts";
import { ringTreeNetwork } from "../fabric/network.ts";
import { MAX_BATCH } from "../serving/fleet.ts";
import {
  CUDA_GRAPH_STEP_SECONDS,
  evaluateReplica,
  type ReplicaLayout,
  replicaMemory,
  type ServingSetup,
} from "../serving/replica.ts";
import {
  INFERENCE_MEASUREMENTS,
  INFERENCE_SOURCES,
  type InferenceMeasurement,
  type InferenceSource,
  type InferenceSourceName,
} from "./published-inference.ts";

// The serving model against published inference measurements, each under its own set-up.

export interface InferenceAccuracy {
  readonly measurement: InferenceMeasurement;
  readonly predicted: number;
  /** predicted / measured - 1, for times and throughputs alike. */
  readonly error: number;
  /** The batch the prediction ran at (offline rows: the largest the KV cache holds). */
  readonly batch: number;
  /** True for a row that set its engine's floor (shown, not counted). */
  readonly setsEngineFloor: boolean;
}

export interface InferenceSourceAccuracy {
  readonly source: InferenceSource;
  readonly rows: readonly InferenceAccuracy[];
  /** Over the rows that are counted. */
  readonly meanAbsoluteError: number;
  /** The engine's host time per forward pass on each accelerator of the source, seconds. */
  readonly engineSecondsPerPass: Readonly<Record<string, number>>;
}

export interface InferenceAccuracySummary {
  readonly sources: readonly InferenceSourceAccuracy[];
  readonly counted: number;
  readonly meanAbsoluteError: number;
  readonly within15Percent: number;
}

function setupFor(m: InferenceMeasurement, stepOverheadSeconds: number): ServingSetup {
  const accelerator = lookup(ACCELERATORS, m.accelerator, "accelerator", "accelerator");
  const hardware = hardwareCalibrationFor(accelerator.generation);
  return {
    model: lookup(MODELS, m.model, "model", "model"),
    accelerator,
    hardware,
    net: ringTreeNetwork({ accelerator, hardware }),
    precision: m.precision,
    kvPrecision: m.kvPrecision,
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    prefixCacheHitRate: 0,
    speculativeTokens: 0,
    speculativeAcceptance: 0,
    stepOverheadSeconds,
  };
}

function layoutFor(m: InferenceMeasurement, setup: ServingSetup): ReplicaLayout {
  const base = { tp: m.tp, pp: 1, ep: 1 };
  const batch = m.batch ?? Math.min(MAX_BATCH, replicaMemory(setup, { ...base, batch: 1 }).maxBatch);
  return { ...base, batch: Math.max(1, batch) };
}

function predict(m: InferenceMeasurement, stepOverheadSeconds: number): { value: number; batch: number } {
  const setup = setupFor(m, stepOverheadSeconds);
  const layout = layoutFor(m, setup);
  const replica = evaluateReplica(setup, layout);
  const value = {
    "offline-output-tokens-per-second": () => replica.requestsPerSecond * m.outputTokens,
    "time-per-output-token": () => replica.timePerOutputTokenSeconds,
    "time-to-first-token": () => replica.timeToFirstTokenSeconds,
    "prefill-seconds": () => (layout.batch * m.inputTokens) / replica.prefillTokensPerSecond,
  }[m.metric]();
  return { value, batch: layout.batch };
}

/**
 * A host-bound engine's time per forward pass: its stated row's measured time per token less the
 * model's device time for that step.
 */
function engineStepSeconds(source: InferenceSource, accelerator: string): number {
  if (source.engineFloor === "cuda-graphs") return CUDA_GRAPH_STEP_SECONDS;
  const id = source.engineFloor.fromRow[accelerator];
  const row = INFERENCE_MEASUREMENTS.find((m) => m.id === id);
  if (!row) throw new Error(`${source.name}: no engine-floor row for ${accelerator}`);
  return Math.max(0, row.measured - predict(row, 0).value);
}

export function evaluateInferenceAccuracy(
  measurements: readonly InferenceMeasurement[] = INFERENCE_MEASUREMENTS,
): InferenceAccuracySummary {
  const sources = INFERENCE_SOURCES.map((source): InferenceSourceAccuracy => {
    const floorRows = source.engineFloor === "cuda-graphs" ? [] : Object.values(source.engineFloor.fromRow);
    const mine = measurements.filter((m) => m.source === source.name);
    // One engine floor per accelerator, derived once.
    const engineSecondsPerPass = Object.fromEntries(
      [...new Set(mine.map((m) => m.accelerator))].map((a) => [a, engineStepSeconds(source, a)]),
    );
    const rows = mine.map((measurement) => {
      const { value, batch } = predict(measurement, engineSecondsPerPass[measurement.accelerator] ?? 0);
      return {
        measurement,
        predicted: value,
        error: value / measurement.measured - 1,
        batch,
        setsEngineFloor: floorRows.includes(measurement.id),
      };
    });
    const counted = rows.filter((r) => !r.setsEngineFloor);
    return { source, rows, meanAbsoluteError: meanAbsolute(counted), engineSecondsPerPass };
  }).filter((s) => s.rows.length > 0);
  const counted = sources.flatMap((s) => s.rows.filter((r) => !r.setsEngineFloor));
  return {
    sources,
    counted: counted.length,
    meanAbsoluteError: meanAbsolute(counted),
    within15Percent: counted.filter((r) => Math.abs(r.error) <= 0.15).length,
  };
}

function meanAbsolute(rows: readonly InferenceAccuracy[]): number {
  return rows.length === 0 ? 0 : rows.reduce((sum, r) => sum + Math.abs(r.error), 0) / rows.length;
}

export type { InferenceSourceName };
