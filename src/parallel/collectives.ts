// Collective costs with the ring/tree model: a latency per step plus the bytes each rank moves over the
// achieved bus bandwidth. A group that spans scale-up domains runs hierarchically: inside each domain
// on NVLink, then across domains on the NICs, each GPU carrying its 1/g share on its own rail.

/** Where the scale-out fabric thins out: leaf, pod, and the oversubscribed layer above pods. */
export interface FabricReach {
  readonly leafGpus: number;
  readonly podGpus: number;
  /** NIC bandwidth share when traffic leaves a leaf (1 / leaf oversubscription). */
  readonly podFraction: number;
  /** Downlinks over uplinks at the pods' top. */
  readonly podOversubscription: number;
  /** Port-to-port latency of one switch; a message crosses 1, 3 or 5 of them (leaf, pod, cluster). */
  readonly switchLatencySeconds: number;
}

export interface NetworkModel {
  /** Achieved bus bandwidth per GPU inside the scale-up domain (NVLink), bytes/s. */
  readonly scaleUpBytesPerSecond: number;
  /** Achieved bus bandwidth per GPU on the scale-out network, bytes/s. */
  readonly scaleOutBytesPerSecond: number;
  readonly scaleUpLatencySeconds: number;
  readonly scaleOutLatencySeconds: number;
  /** Absent: a non-blocking fabric. */
  readonly fabric?: FabricReach;
}

export interface GroupPlacement {
  /** Ranks in the group. */
  readonly size: number;
  /** Ranks of the group inside one scale-up domain (1 when every rank sits in its own domain). */
  readonly perDomain: number;
  /** GPU ranks between consecutive members. */
  readonly stride: number;
}

/** Where a group of `size` ranks at a rank stride of `stride` lands on domains of `domainGpus`. */
export function placeGroup(size: number, stride: number, domainGpus: number): GroupPlacement {
  const perDomain = Math.max(1, Math.min(size, Math.floor(domainGpus / stride)));
  return { size, perDomain, stride };
}

/** Latency of one step between GPUs of `group` on the scale-out network: software plus switch hops. */
function scaleOutStepLatency(group: GroupPlacement, net: NetworkModel): number {
  const fabric = net.fabric;
  if (!fabric) return net.scaleOutLatencySeconds;
  const span = group.size * group.stride;
  const hops = span <= fabric.leafGpus ? 1 : span <= fabric.podGpus ? 3 : 5;
  return net.scaleOutLatencySeconds + hops * fabric.switchLatencySeconds;
}

/**
 * Share of the NIC rate a ring over `group` gets from the fabric. Past a leaf it pays the leaf's
 * oversubscription; past a pod, each pod's uplinks carry one crossing per ring, so the rings slow down
 * only when a pod holds fewer of a ring's members than the oversubscription ratio.
 */
export function scaleOutShare(group: GroupPlacement, net: NetworkModel): number {
  const fabric = net.fabric;
  if (!fabric) return 1;
  const span = group.size * group.stride;
  if (span <= fabric.leafGpus) return 1;
  if (span <= fabric.podGpus) return fabric.podFraction;
  const membersPerPod = Math.max(1, fabric.podGpus / group.stride);
  return fabric.podFraction * Math.min(1, membersPerPod / fabric.podOversubscription);
}

function latencySteps(ranks: number): number {
  // NCCL switches from rings to trees when rings get long: take the shorter of the two.
  return Math.min(ranks - 1, 2 * Math.ceil(Math.log2(ranks)));
}

/**
 * All-gather where each rank ends with `bytes` in total; a reduce-scatter of `bytes` costs the same,
 * so callers use this for both.
 */
export function allGatherSeconds(bytes: number, group: GroupPlacement, net: NetworkModel): number {
  if (group.size <= 1 || bytes <= 0) return 0;
  const g = group.perDomain;
  const domains = Math.ceil(group.size / g);
  let seconds = 0;
  if (g > 1) {
    seconds += ((g - 1) / g) * (bytes / net.scaleUpBytesPerSecond) + (g - 1) * net.scaleUpLatencySeconds;
  }
  if (domains > 1) {
    seconds +=
      ((domains - 1) / domains) * (bytes / g / (net.scaleOutBytesPerSecond * scaleOutShare(group, net))) +
      latencySteps(domains) * scaleOutStepLatency(group, net);
  }
  return seconds;
}

export function allReduceSeconds(bytes: number, group: GroupPlacement, net: NetworkModel): number {
  return 2 * allGatherSeconds(bytes, group, net);
}

export function pointToPointSeconds(bytes: number, crossesDomain: boolean, net: NetworkModel): number {
  if (bytes <= 0) return 0;
  return crossesDomain
    ? bytes / net.scaleOutBytesPerSecond + net.scaleOutLatencySeconds
    : bytes / net.scaleUpBytesPerSecond + net.scaleUpLatencySeconds;
}

/**
 * MoE dispatch (or combine) from one rank: `tokens` each sent to `copies` experts spread over an
 * expert-parallel group, `bytesPerToken` per copy. Copies for experts in the rank's own domain go over
 * NVLink; the rest over the NICs, at once. Node-limited routing (DeepSeek-V3: at most 4 nodes per
 * token) sends a token at most once to each of `maxRemoteDomains` other domains, where NVLink fans it
 * out; 0 means no limit.
 */
export function expertDispatchSeconds(
  tokens: number,
  copies: number,
  bytesPerToken: number,
  group: GroupPlacement,
  net: NetworkModel,
  maxRemoteDomains: number,
): number {
  const n = group.size;
  if (n <= 1 || tokens <= 0) return 0;
  const g = group.perDomain;
  const uniformRemote = (copies * (n - g)) / n;
  const remoteDomains = n / g - 1;
  const remoteCopies =
    maxRemoteDomains > 0 ? Math.min(uniformRemote, maxRemoteDomains, remoteDomains) : uniformRemote;
  const localCopies = copies - remoteCopies;
  const inside = (tokens * localCopies * bytesPerToken * (g - 1)) / g / net.scaleUpBytesPerSecond;
  // All-to-all traffic is spread evenly, so past a pod it meets the full oversubscription.
  const fabric = net.fabric;
  const span = group.size * group.stride;
  const share =
    !fabric || span <= fabric.leafGpus
      ? 1
      : span <= fabric.podGpus
        ? fabric.podFraction
        : fabric.podFraction / fabric.podOversubscription;
  const outside = (tokens * remoteCopies * bytesPerToken) / (net.scaleOutBytesPerSecond * share);
  const latency =
    (g < n ? scaleOutStepLatency(group, net) : net.scaleUpLatencySeconds) * Math.ceil(Math.log2(n));
  return Math.max(inside, outside) + latency;
}
