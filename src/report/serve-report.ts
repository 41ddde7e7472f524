import type { ServeResult } from "../pipeline/serve.ts";
import type { ReplicaResult } from "../serving/replica.ts";
import { formatGrouped, GiB } from "../units.ts";
import { type ReportDocument, row, span } from "./document.ts";

const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const count = (value: number) => formatGrouped(Math.round(value));
const usd = (value: number) =>
  value >= 1e9
    ? `$${(value / 1e9).toFixed(2)} B`
    : value >= 1e6
      ? `$${(value / 1e6).toFixed(2)} M`
      : value >= 100
        ? `$${count(value)}`
        : `$${value.toFixed(2)}`;

export function replicaLabel(replica: ReplicaResult): string {
  const { tp, pp, ep, batch } = replica.layout;
  return `tp${tp} pp${pp}${ep > 1 ? ` ep${ep}` : ""} batch ${batch}`;
}

/** The serving plan: the replica and why, the fleet for the peak, power, energy and cost. */
export function serveReport(result: ServeResult): ReportDocument {
  const { replica, fleet, cost, energy } = result;
  const memory = replica.memory;
  const share = (bytes: number) => `${((bytes / memory.totalBytes) * 100).toFixed(1)}%`;
  const decode = replica.decode;
  const stepShare = (seconds: number) => `${((seconds / decode.total) * 100).toFixed(1)}%`;
  return {
    sections: [
      {
        title: result.name,
        lines: [
          `${result.model} on ${result.accelerator}; weights ${result.precision}, KV cache ${result.kvPrecision}; ${count(result.inputTokens)} input and ${count(result.outputTokens)} output tokens per request`,
          `Targets: ${result.slo.ttftSeconds} s to the first token, ${ms(result.slo.tpotSeconds)} per output token at P${percentileLabel(result.slo.percentile)}, met at the peak with queueing`,
        ],
      },
      {
        title: "Replica",
        lines: [
          `Layout    ${replicaLabel(replica)} on ${replica.gpus} GPU${replica.gpus === 1 ? "" : "s"} (searched among ${count(result.search.evaluated)} replica layouts for the fewest GPUs that meet the targets)`,
          `Alone     ${replica.timeToFirstTokenSeconds.toFixed(3)} s to the first token; ${ms(replica.timePerOutputTokenSeconds)} per output token (${(1 / replica.timePerOutputTokenSeconds).toFixed(1)} tokens/s per user)`,
          `Rates     prefill ${count(replica.prefillTokensPerSecond)} tokens/s; decode ${count(replica.decodeTokensPerSecond)} tokens/s (${count(replica.decodeTokensPerSecond / replica.gpus)} per GPU); ${replica.requestsPerSecond.toFixed(2)} requests/s`,
          ...(replica.tokensPerStep > 1
            ? [`Speculative decoding: ${replica.tokensPerStep.toFixed(2)} tokens per step`]
            : []),
        ],
      },
      {
        title: "Memory per GPU",
        table: {
          header: ["term", "GiB", "share"],
          rows: [
            row(["weights", (memory.weightsBytes / GiB).toFixed(2), share(memory.weightsBytes)]),
            row([
              "KV cache (the batch's contexts)",
              (memory.kvCacheBytes / GiB).toFixed(2),
              share(memory.kvCacheBytes),
            ]),
            row([
              "activations (prefill chunk)",
              (memory.activationsBytes / GiB).toFixed(2),
              share(memory.activationsBytes),
            ]),
            row([
              "runtime (CUDA, engine, NCCL)",
              (memory.runtimeBytes / GiB).toFixed(2),
              share(memory.runtimeBytes),
            ]),
            row(["total", (memory.totalBytes / GiB).toFixed(2), "100.0%"]),
          ],
          help: "bytes per GPU of one replica",
        },
        notes: [
          `usable ${(memory.capacityBytes / GiB).toFixed(1)} GiB; the KV cache holds up to ${count(memory.maxBatch)} sequences of this length`,
        ],
      },
      {
        title: "Decode step",
        table: {
          header: ["term", "ms", "share"],
          rows: [
            row([
              "GEMMs: weight reads and math in quadrature",
              (decode.gemms * 1000).toFixed(3),
              stepShare(decode.gemms),
            ]),
            row(["GEMMs: weight reads alone", (decode.weights * 1000).toFixed(3), ""]),
            row(["GEMMs: math alone", (decode.compute * 1000).toFixed(3), ""]),
            row([
              "attention: KV cache read from HBM",
              (decode.kvCache * 1000).toFixed(3),
              stepShare(decode.kvCache),
            ]),
            row([
              "TP all-reduces and EP all-to-all",
              (decode.communication * 1000).toFixed(3),
              stepShare(decode.communication),
            ]),
            row(["host and scheduler", (decode.overhead * 1000).toFixed(3), stepShare(decode.overhead)]),
            row(["step", (decode.total * 1000).toFixed(3), "100.0%"]),
          ],
          help: "one decode step of the whole batch: GEMMs (weight reads and math in quadrature) + KV reads + communication + overhead",
        },
      },
      {
        title: "Fleet",
        lines: [
          `Demand    ${fleet.meanRequestsPerSecond.toFixed(1)} requests/s at the mean, ${fleet.peakRequestsPerSecond.toFixed(1)} at the peak`,
          `Replicas  ${count(fleet.replicas)}${fleet.prefillReplicas !== undefined ? ` (${count(fleet.prefillReplicas)} prefill, ${count(fleet.decodeReplicas ?? 0)} decode)` : ""}: ${count(fleet.gpus)} GPUs, ${fleet.megawatts.toFixed(2)} MW at the facility (${fleet.itMegawatts.toFixed(2)} MW IT)`,
          `Latency   at the peak, P${percentileLabel(fleet.latency.percentile)}: ${fleet.latency.timeToFirstTokenSeconds.toFixed(3)} s to the first token (${fleet.latency.slotWaitSeconds.toFixed(3)} s waiting for a batch slot, ${fleet.latency.prefillWaitSeconds.toFixed(3)} s for the prefill queue); ${ms(fleet.latency.timePerOutputTokenSeconds)} per output token (prefills take ${(fleet.latency.prefillShare * 100).toFixed(0)}% of the GPUs' time)`,
          `Served    ${count(fleet.meanTokensPerSecond)} tokens/s at the mean: ${count(fleet.tokensPerSecondPerGpu)} per GPU, ${count(fleet.meanTokensPerSecond / Math.max(fleet.megawatts, 1e-9))} per MW`,
        ],
      },
      {
        title: "Cost and energy",
        lines: [
          `Cost      ${usd(cost.usdPerHour)} per hour at ${usd(cost.usdPerGpuHour)} per GPU-hour (${cost.priceFrom === "rental" ? "rental price" : "the build-out's own cost"}); ${usd(cost.usdPerYear)} per year`,
          `          ${usd(cost.usdPerMillionTokens)} per million tokens; ${usd(cost.usdPerMillionOutputTokens)} per million output tokens`,
          `Energy    ${energy.whPerRequest.toFixed(2)} Wh per request; ${(energy.whPerMillionTokens / 1000).toFixed(2)} kWh per million tokens; ${count(energy.mwhPerYear)} MWh per year`,
          ...(result.site
            ? [
                `Site      ${result.site.name}: the fleet takes ${(result.site.share * 100).toFixed(1)}% of its ${count(result.site.gpus)} GPUs; ${count(result.site.gpusLeft)} are left for training`,
              ]
            : []),
        ],
      },
      ...(result.search.alternatives.length > 0
        ? [
            {
              title: "Runners-up that also meet the targets",
              table: {
                header: ["replica", "fleet GPUs", "TTFT s", "TPOT ms", "decode tokens/s per GPU"],
                rows: result.search.alternatives.map(({ replica: alt, fleetGpus }) => [
                  span(replicaLabel(alt)),
                  span(count(fleetGpus)),
                  span(alt.timeToFirstTokenSeconds.toFixed(3)),
                  span((alt.timePerOutputTokenSeconds * 1000).toFixed(1)),
                  span(count(alt.decodeTokensPerSecond / alt.gpus)),
                ]),
                help: "other replica layouts meeting the targets, by fleet size",
              },
            },
          ]
        : []),
    ],
  };
}

/** `serve --json`: the contract's fields and the rest of the result. */
export function serveJson(result: ServeResult) {
  const { replica } = result;
  return {
    name: result.name,
    model: result.model,
    accelerator: result.accelerator,
    precision: result.precision,
    kvPrecision: result.kvPrecision,
    slo: result.slo,
    replica: {
      layout: replica.layout,
      gpus: replica.gpus,
      prefillTokensPerSecond: replica.prefillTokensPerSecond,
      decodeTokensPerSecond: replica.decodeTokensPerSecond,
      timeToFirstTokenSeconds: replica.timeToFirstTokenSeconds,
      timePerOutputTokenSeconds: replica.timePerOutputTokenSeconds,
      requestsPerSecond: replica.requestsPerSecond,
      tokensPerStep: replica.tokensPerStep,
      memory: replica.memory,
      decodeStepSeconds: replica.decode,
    },
    fleet: result.fleet,
    cost: result.cost,
    energy: result.energy,
    ...(result.site ? { site: result.site } : {}),
    search: { evaluated: result.search.evaluated },
  };
}

/** 0.9 -> "90", 0.999 -> "99.9". */
function percentileLabel(p: number): string {
  return String(Number((p * 100).toPrecision(6)));
}
