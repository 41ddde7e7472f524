import type { Accelerator } from "../catalog/accelerators.ts";
import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";
import { gbpsToBytesPerSecond } from "../units.ts";
import type { FabricDistance } from "./clos.ts";

// The network as the step-time model sees it: a list of dimensions (the scale-up domain, then the
// scale-out leaf, pod and cluster), each with the bandwidth a GPU gets, its latency per algorithm step
// and where it ends. parallel/ prices traffic only through the NetworkBackend interface below; the
// ring/tree model here is its default implementation, and a more detailed backend can replace it.

export interface NetworkDimension {
  readonly name: "scale-up" | "leaf" | "pod" | "cluster";
  /** GPUs reachable inside this dimension (counting from one GPU). */
  readonly gpus: number;
  /** Large-message bus bandwidth per GPU when every GPU uses this dimension at once, bytes/s. */
  readonly busBytesPerSecond: number;
  /**
   * Latency of one algorithm step: software, NIC and the switch hops of this distance. With NCCL's base
   * latency it also sets the message size below which a collective is latency-bound.
   */
  readonly latencySeconds: number;
}

export interface GroupPlacement {
  /** Ranks in the group. */
  readonly size: number;
  /** Ranks of the group inside one scale-up domain (1 when every rank sits in its own domain). */
  readonly perDomain: number;
  /** GPU ranks between consecutive members. */
  readonly stride: number;
}

export type CollectiveKind = "all-reduce" | "all-gather" | "reduce-scatter";

/** The narrow interface the parallel model calls. Every function returns seconds, never negative. */
export interface NetworkBackend {
  readonly dimensions: readonly NetworkDimension[];
  /** `bytes`: the full buffer per rank (the gathered output, the reduced input). */
  collectiveSeconds(kind: CollectiveKind, bytes: number, group: GroupPlacement): number;
  /** `bytes` from one GPU to another `strideGpus` ranks away. */
  pointToPointSeconds(bytes: number, strideGpus: number): number;
  /**
   * MoE dispatch (or combine) from one rank: `tokens` each sent to `copies` experts spread over the
   * group, `bytesPerToken` per copy; node-limited routing caps the remote domains a token reaches.
   */
  dispatchSeconds(
    tokens: number,
    copies: number,
    bytesPerToken: number,
    group: GroupPlacement,
    maxRemoteDomains: number,
  ): number;
}

/** Where a group of `size` ranks at a rank stride of `stride` lands on domains of `domainGpus`. */
export function placeGroup(size: number, stride: number, domainGpus: number): GroupPlacement {
  const perDomain = Math.max(1, Math.min(size, Math.floor(domainGpus / stride)));
  return { size, perDomain, stride };
}

export interface NetworkSetup {
  readonly accelerator: Accelerator;
  readonly hardware: HardwareCalibration;
  /** The scale-out fabric's distances; absent: a non-blocking fabric with one switch hop. */
  readonly fabric?: { readonly distances: readonly FabricDistance[]; readonly switchLatencySeconds: number };
  /** Rail-optimized fabric: GPU i of every node on leaf i, so same-rail traffic stays on one leaf longer. */
  readonly railOptimized?: boolean;
}

/** The dimensions of a cluster, innermost first. */
export function networkDimensions(setup: NetworkSetup): NetworkDimension[] {
  const { accelerator, hardware, fabric } = setup;
  const domain = accelerator.scaleUpDomainGpus;
  const nic = gbpsToBytesPerSecond(accelerator.scaleOutGbps) * hardware.scaleOutBusFraction;
  const dimensions: NetworkDimension[] = [
    {
      name: "scale-up",
      gpus: domain,
      busBytesPerSecond: accelerator.scaleUpBytesPerSecond * hardware.scaleUpBusFraction,
      latencySeconds: hardware.scaleUpLatencySeconds,
    },
  ];
  const switchLatency = fabric?.switchLatencySeconds ?? 0;
  const distances = fabric?.distances ?? [
    { distance: "leaf" as const, gpus: Number.MAX_SAFE_INTEGER, switchHops: 1, bandwidthFraction: 1 },
  ];
  // On a rail-optimized fabric a leaf serves one rail of `leaf.gpus` nodes, not `leaf.gpus` GPUs.
  const railSpan = setup.railOptimized === false ? 1 : Math.min(domain, 8);
  for (const d of distances) {
    dimensions.push({
      name: d.distance,
      gpus: d.distance === "leaf" ? Math.min(d.gpus * railSpan, Number.MAX_SAFE_INTEGER) : d.gpus,
      busBytesPerSecond: nic * d.bandwidthFraction,
      latencySeconds: hardware.scaleOutLatencySeconds + d.switchHops * switchLatency,
    });
  }
  return dimensions;
}

/** The innermost scale-out dimension that holds `spanGpus`; the outermost when none does. */
function scaleOutDimension(dimensions: readonly NetworkDimension[], spanGpus: number): NetworkDimension {
  for (let i = 1; i < dimensions.length; i++) {
    const dimension = dimensions[i] as NetworkDimension;
    if (spanGpus <= dimension.gpus) return dimension;
  }
  return dimensions[dimensions.length - 1] as NetworkDimension;
}

/**
 * Bandwidth of the outermost dimension a group crosses. Past a pod, each pod's uplinks carry one
 * crossing per ring, so a ring slows down only when a pod holds fewer of its members than the
 * oversubscription above the pod.
 */
function scaleOutBandwidth(
  reached: NetworkDimension,
  pod: NetworkDimension | undefined,
  group: GroupPlacement,
): number {
  if (reached.name !== "cluster" || !pod) return reached.busBytesPerSecond;
  const oversubscription = pod.busBytesPerSecond / reached.busBytesPerSecond;
  const membersPerPod = Math.max(1, pod.gpus / group.stride);
  return pod.busBytesPerSecond * Math.min(1, membersPerPod / oversubscription);
}

/**
 * The ring/tree backend. A group that spans scale-up domains runs hierarchically, as NCCL does: a ring
 * inside each domain on NVLink, then across domains on the NICs, each GPU carrying its 1/g share on its
 * own rail. Across domains an all-reduce takes the faster of a ring (2(D-1) steps of 1/D of the data)
 * and a pipelined tree (2 log2 D steps of whole chunks), the choice NCCL's tuner makes by size and
 * group; all-gather and reduce-scatter only have rings.
 */
export function ringTreeNetwork(setup: NetworkSetup): NetworkBackend {
  const dimensions = networkDimensions(setup);
  const up = dimensions[0] as NetworkDimension;
  const pod = dimensions.find((d) => d.name === "pod");

  function inside(bytes: number, g: number, passes: number): number {
    if (g <= 1) return 0;
    return passes * (((g - 1) / g) * (bytes / up.busBytesPerSecond) + (g - 1) * up.latencySeconds);
  }

  function across(bytes: number, group: GroupPlacement, passes: number, tree: boolean): number {
    const domains = Math.ceil(group.size / group.perDomain);
    if (domains <= 1) return 0;
    const dimension = scaleOutDimension(dimensions, group.size * group.stride);
    const bandwidth = scaleOutBandwidth(dimension, pod, group);
    const perRail = bytes / group.perDomain;
    const ring =
      passes * (((domains - 1) / domains) * (perRail / bandwidth) + (domains - 1) * dimension.latencySeconds);
    if (!tree) return ring;
    // A pipelined tree streams the whole per-rail buffer up and down: few steps, large messages.
    const treeTime =
      passes * (perRail / bandwidth + Math.ceil(Math.log2(domains)) * dimension.latencySeconds);
    return Math.min(ring, treeTime);
  }

  return {
    dimensions,
    collectiveSeconds(kind, bytes, group) {
      if (group.size <= 1 || bytes <= 0) return 0;
      const passes = kind === "all-reduce" ? 2 : 1;
      return (
        setup.hardware.collectiveBaseLatencySeconds +
        inside(bytes, group.perDomain, passes) +
        across(bytes, group, passes, kind === "all-reduce")
      );
    },
    pointToPointSeconds(bytes, strideGpus) {
      if (bytes <= 0) return 0;
      const dimension = strideGpus < up.gpus ? up : scaleOutDimension(dimensions, strideGpus + 1);
      return bytes / dimension.busBytesPerSecond + dimension.latencySeconds;
    },
    dispatchSeconds(tokens, copies, bytesPerToken, group, maxRemoteDomains) {
      const n = group.size;
      if (n <= 1 || tokens <= 0) return 0;
      const g = group.perDomain;
      const uniformRemote = (copies * (n - g)) / n;
      const remoteDomains = n / g - 1;
      const remoteCopies =
        maxRemoteDomains > 0 ? Math.min(uniformRemote, maxRemoteDomains, remoteDomains) : uniformRemote;
      const localCopies = copies - remoteCopies;
      const insideSeconds = (tokens * localCopies * bytesPerToken * (g - 1)) / g / up.busBytesPerSecond;
      // All-to-all traffic is spread evenly, so past a pod it meets the full oversubscription.
      const dimension = scaleOutDimension(dimensions, n * group.stride);
      const outsideSeconds =
        g < n ? (tokens * remoteCopies * bytesPerToken) / dimension.busBytesPerSecond : 0;
      const latency = (g < n ? dimension.latencySeconds : up.latencySeconds) * Math.ceil(Math.log2(n));
      return Math.max(insideSeconds, outsideSeconds) + latency;
    },
  };
}
