// Sizing of a folded-Clos (fat-tree) scale-out fabric for GPU NICs: how many tiers, switches, links and
// transceivers, and what bandwidth and hops a GPU sees at each distance.

export interface FabricDesign {
  /** Switch ports at the NIC speed (a 64x800G switch split into 400G ports has radix 128). */
  readonly radix: number;
  readonly portGbps: number;
  /** Downlinks over uplinks on the leaf switches (1 = non-blocking). */
  readonly leafOversubscription: number;
  /**
   * GPUs per pod at full bisection, joined above by `podOversubscription` (Llama 3: 3,072-GPU pods,
   * 1:7). 0: the tree's own pod size (a non-blocking 2-tier block).
   */
  readonly podGpus: number;
  readonly podOversubscription: number;
  /** Link ends per pluggable transceiver on switches (2 for twin-port 800G modules carrying 2x400G). */
  readonly linksPerSwitchTransceiver: number;
  /** GPU-to-leaf links are optical (else copper/DAC inside the rack: no transceivers). */
  readonly opticalNicLinks: boolean;
}

export interface FabricTier {
  readonly tier: number;
  readonly name: "leaf" | "spine" | "core";
  readonly switches: number;
  /** Links from this tier up to the next (for the leaf tier, plus the GPU links below it). */
  readonly uplinks: number;
}

export interface FabricDistance {
  readonly distance: "leaf" | "pod" | "cluster";
  /** GPUs reachable at this distance or closer. */
  readonly gpus: number;
  /** Switches crossed on the worst path. */
  readonly switchHops: number;
  /** Per-GPU bandwidth when every GPU talks across this distance at once, over the NIC rate. */
  readonly bandwidthFraction: number;
}

export interface FabricSize {
  readonly endpoints: number;
  readonly tiers: number;
  readonly tierDetail: readonly FabricTier[];
  readonly switches: number;
  /** Switch-to-switch and GPU-to-leaf links. */
  readonly links: number;
  readonly transceivers: number;
  readonly podGpus: number;
  readonly bisectionGbps: number;
  readonly distances: readonly FabricDistance[];
}

/** GPUs one pod can hold at full bisection: leaves under one layer of spines. */
function naturalPodSize(design: FabricDesign, leafDown: number, threeTier: boolean): number {
  // Spines of a 2-tier fabric use every port downward; under a core they split ports half and half.
  const spineDown = threeTier ? design.radix / 2 : design.radix;
  return leafDown * spineDown;
}

export function sizeFabric(endpoints: number, design: FabricDesign): FabricSize {
  const { radix } = design;
  const leafDown = Math.floor((radix * design.leafOversubscription) / (1 + design.leafOversubscription));
  const leafUp = radix - leafDown;
  const leaves = Math.ceil(endpoints / leafDown);
  let tiers: number;
  if (endpoints <= radix) tiers = 1;
  else if (endpoints <= naturalPodSize(design, leafDown, false) && design.podGpus === 0) tiers = 2;
  else tiers = 3;
  const podGpus =
    tiers < 3 ? endpoints : Math.min(endpoints, design.podGpus || naturalPodSize(design, leafDown, true));

  const tierDetail: FabricTier[] = [];
  const nicLinks = endpoints;
  if (tiers === 1) {
    tierDetail.push({ tier: 1, name: "leaf", switches: Math.ceil(endpoints / radix), uplinks: 0 });
  } else {
    const leafUplinks = leaves * leafUp;
    tierDetail.push({ tier: 1, name: "leaf", switches: leaves, uplinks: leafUplinks });
    if (tiers === 2) {
      tierDetail.push({ tier: 2, name: "spine", switches: Math.ceil(leafUplinks / radix), uplinks: 0 });
    } else {
      // Spine switches take the pod's leaf uplinks on `spineDown` ports and send 1/(o+1) of them up.
      const spineDown = Math.floor((radix * design.podOversubscription) / (1 + design.podOversubscription));
      const spines = Math.ceil(leafUplinks / spineDown);
      const spineUplinks = spines * (radix - spineDown);
      tierDetail.push({ tier: 2, name: "spine", switches: spines, uplinks: spineUplinks });
      tierDetail.push({ tier: 3, name: "core", switches: Math.ceil(spineUplinks / radix), uplinks: 0 });
    }
  }
  const switchLinks = tierDetail.reduce((sum, t) => sum + t.uplinks, 0);
  const switches = tierDetail.reduce((sum, t) => sum + t.switches, 0);
  // Each optical link has a module at both ends; twin-port switch modules serve two links each.
  const perSwitchEnd = 1 / design.linksPerSwitchTransceiver;
  const transceivers = Math.ceil(
    switchLinks * 2 * perSwitchEnd + (design.opticalNicLinks ? nicLinks * (1 + perSwitchEnd) : 0),
  );

  const leafFraction = 1;
  const podFraction = tiers >= 2 ? Math.min(1, 1 / design.leafOversubscription) : 1;
  const clusterFraction = tiers === 3 ? podFraction / design.podOversubscription : podFraction;
  const distances: FabricDistance[] = [
    { distance: "leaf", gpus: Math.min(endpoints, leafDown), switchHops: 1, bandwidthFraction: leafFraction },
  ];
  if (tiers >= 2)
    distances.push({ distance: "pod", gpus: podGpus, switchHops: 3, bandwidthFraction: podFraction });
  if (tiers === 3)
    distances.push({
      distance: "cluster",
      gpus: endpoints,
      switchHops: 5,
      bandwidthFraction: clusterFraction,
    });
  return {
    endpoints,
    tiers,
    tierDetail,
    switches,
    links: switchLinks + nicLinks,
    transceivers,
    podGpus,
    bisectionGbps: (endpoints / 2) * design.portGbps * clusterFraction,
    distances,
  };
}
