import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { calibrationFor, findStack } from "../src/catalog/stacks.ts";
import { placeGroup } from "../src/fabric/network.ts";
import { kernelDevices, layerCost, networkModel } from "../src/parallel/layer-cost.ts";
import { planLayout } from "../src/parallel/plan.ts";
import { stepTime } from "../src/parallel/step-time.ts";
import { accelerator, llama405bInput, model, relativeError } from "./helpers.ts";

describe("step time", () => {
  it("the breakdown terms are non-negative and add up to the step time", () => {
    const { breakdown, seconds } = stepTime(llama405bInput());
    const { total, ...terms } = breakdown;
    for (const [term, value] of Object.entries(terms)) assert.ok(value >= 0, term);
    assert.ok(
      relativeError(
        Object.values(terms).reduce((a, b) => a + b, 0),
        seconds,
      ) < 1e-12,
    );
    assert.equal(total, seconds);
  });

  it("FSDP2's copy-out reads and writes the gathered weights twice per micro-batch on the compute stream", () => {
    const h100 = accelerator("h100-sxm");
    const fsdp2 = findStack("fsdp2");
    assert.ok(fsdp2?.zero3CopyOut);
    const input = (copyOut: boolean) => ({
      model: model("llama-3-8b"),
      training: {
        sequenceLength: 8192,
        globalBatchSequences: 64,
        tokens: undefined,
        precision: "bf16" as const,
        recipe: "megatron" as const,
        attentionFlops: "full" as const,
      },
      cluster: { accelerator: h100, gpus: 32, ...calibrationFor(h100, { ...fsdp2, zero3CopyOut: copyOut }) },
      layout: {
        tp: 1,
        pp: 1,
        cp: 1,
        dp: 32,
        ep: 1,
        microBatch: 1,
        virtualStages: 1,
        recompute: "none" as const,
        zero: 3 as const,
        sequenceParallel: false,
      },
    });
    const withCopy = planLayout(input(true));
    const without = planLayout(input(false));
    // 2 micro-batches x 2 gathers x (read + write) x 2 bytes (bf16) of every parameter the GPU gathers
    // (the whole model: tp 1, pp 1), at the elementwise share of HBM bandwidth.
    const bytes = 2 * 2 * 2 * 2 * withCopy.memory.parametersPerGpu;
    const { elementwiseBandwidthFraction } = calibrationFor(h100).hardware;
    const expected = bytes / (h100.hbmBytesPerSecond * elementwiseBandwidthFraction);
    const extra = withCopy.step.breakdown.dataParallelComm - without.step.breakdown.dataParallelComm;
    assert.ok(relativeError(extra, expected) < 1e-9, `${extra} s against ${expected} s`);
  });

  it("the 1F1B bubble is (p - 1)/v stage-times, and interleaving shrinks it", () => {
    const plain = stepTime(llama405bInput({ virtualStages: 1 }));
    assert.ok(relativeError(plain.breakdown.pipelineBubble, 15 * plain.averageStageSeconds) < 1e-12);
    const interleaved = stepTime(llama405bInput({ virtualStages: 4 }));
    assert.ok(interleaved.breakdown.pipelineBubble < plain.breakdown.pipelineBubble / 3);
  });

  it("all-gather context parallelism pays the gather and the gradient reduce-scatter of the whole K and V", () => {
    const ring = llama405bInput({ cp: 16, dp: 8 });
    const stack = findStack("meta-llama3");
    assert.ok(stack);
    const gathered = { ...ring, cluster: { ...ring.cluster, stack } };
    const net = networkModel(gathered);
    // Llama 3 405B: 8 KV heads of 128 over tp 8 -> 256 bf16 values of K and V per token per GPU;
    // 8192 local tokens (131,072 / 16) -> 4 MiB per rank, 64 MiB once gathered over the 16 ranks.
    const gatheredBytes = 16 * 8192 * 2 * 128 * 2;
    const group = placeGroup(16, 8, 8);
    const expected =
      net.collectiveSeconds("all-gather", gatheredBytes, group) +
      net.collectiveSeconds("reduce-scatter", gatheredBytes, group);
    const withLongContext = (input: typeof ring) => ({
      ...input,
      training: { ...input.training, sequenceLength: 131072, globalBatchSequences: 128 },
    });
    const cost = layerCost(withLongContext(gathered), net);
    assert.ok(relativeError(cost.contextParallelComm, expected) < 1e-12);
    // The ring hides its chunks behind the attention blocks: never more exposed than the gather.
    const ringCost = layerCost(withLongContext(ring), networkModel(ring));
    assert.ok(ringCost.contextParallelComm < cost.contextParallelComm);
  });

  it("an eager stack's norms and activations take its measured slowdown over the fused kernels", () => {
    const fused = llama405bInput();
    const eagerStack = findStack("pytorch-eager");
    assert.ok(eagerStack);
    // Same kernels otherwise: compare one layer's elementwise time directly.
    const eager = {
      ...fused,
      cluster: {
        ...fused.cluster,
        stack: { ...fused.cluster.stack, elementwiseSlowdown: eagerStack.elementwiseSlowdown },
      },
    };
    const ratio =
      layerCost(eager, networkModel(eager)).elementwise / layerCost(fused, networkModel(fused)).elementwise;
    assert.ok(relativeError(ratio, 3.1) < 1e-12, `ratio ${ratio}`);
  });

  it("full recompute repeats the forward pass; selective only attention", () => {
    const none = stepTime(llama405bInput({ recompute: "none" }));
    const selective = stepTime(llama405bInput({ recompute: "selective" }));
    const full = stepTime(llama405bInput({ recompute: "full" }));
    assert.ok(selective.seconds > none.seconds && full.seconds > selective.seconds);
    // The recomputed forward is about a third of forward + backward.
    const ratio = full.breakdown.recompute / (full.breakdown.matmul + full.breakdown.attention);
    assert.ok(ratio > 0.25 && ratio < 0.4, `ratio ${ratio}`);
  });

  it("MFU is model FLOP/s over the dense BF16 peak and time to train follows the token budget", () => {
    const plan = planLayout(llama405bInput());
    assert.ok(plan.throughput.mfu > 0.3 && plan.throughput.mfu < 0.6, `mfu ${plan.throughput.mfu}`);
    assert.ok(relativeError(plan.throughput.tflopsPerGpu * 1e12, plan.throughput.mfu * 989.4e12) < 1e-12);
    const training = plan.training;
    assert.ok(training);
    assert.equal(training.steps, Math.ceil(15.6e12 / (2048 * 8192)));
    assert.ok(relativeError(training.gpuHours, training.days * 24 * 16384) < 1e-12);
  });
});

describe("the NVL72 domain", () => {
  const moeInput = (name: string, nicGbps: number, ep: number) => {
    const device = { ...accelerator(name), scaleOutGbps: nicGbps };
    return {
      model: model("deepseek-v3"),
      training: {
        sequenceLength: 4096,
        globalBatchSequences: 1024,
        tokens: undefined,
        precision: "fp8" as const,
        recipe: "megatron" as const,
        attentionFlops: "full" as const,
      },
      cluster: { accelerator: device, gpus: 512, ...calibrationFor(device) },
      layout: {
        tp: 1,
        pp: 8,
        cp: 1,
        dp: 64,
        ep,
        microBatch: 1,
        virtualStages: 1,
        recompute: "none" as const,
        zero: 1 as const,
        sequenceParallel: false,
      },
    };
  };
  const expertComm = (name: string, nicGbps: number, ep: number) => {
    const input = moeInput(name, nicGbps, ep);
    return layerCost(input, networkModel(input)).expertParallelComm;
  };

  it("keeps an expert-parallel group of up to 72 GPUs on NVLink: the NICs do not matter", () => {
    for (const ep of [8, 32, 64]) {
      assert.ok(relativeError(expertComm("gb200", 400, ep), expertComm("gb200", 10, ep)) < 1e-12, `ep ${ep}`);
    }
  });

  it("sends an expert-parallel group past 8 GPUs over the NICs on an 8-GPU server", () => {
    assert.ok(expertComm("b200", 10, 64) > 2 * expertComm("b200", 400, 64));
    assert.ok(relativeError(expertComm("b200", 400, 8), expertComm("b200", 10, 8)) < 1e-12);
  });
});

describe("precision formats", () => {
  const on = (precision: "bf16" | "fp8" | "mxfp8" | "nvfp4") => {
    const base = llama405bInput();
    const gb200 = accelerator("gb200");
    return kernelDevices({
      ...base,
      training: { ...base.training, precision },
      cluster: { ...base.cluster, accelerator: gb200, ...calibrationFor(gb200) },
    });
  };

  it("runs linear layers at the FP4 rate only under NVFP4, and attention at BF16 always", () => {
    const gb200 = accelerator("gb200");
    assert.equal(on("bf16").matmul.peakFlops, gb200.bf16DenseFlops);
    assert.equal(on("fp8").matmul.peakFlops, gb200.fp8DenseFlops);
    assert.equal(on("mxfp8").matmul.peakFlops, gb200.fp8DenseFlops);
    assert.equal(on("nvfp4").matmul.peakFlops, gb200.fp4DenseFlops);
    for (const precision of ["bf16", "fp8", "mxfp8", "nvfp4"] as const) {
      assert.equal(on(precision).bf16.peakFlops, gb200.bf16DenseFlops, precision);
    }
  });
});
