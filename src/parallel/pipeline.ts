import type { SoftwareStack } from "../catalog/stacks.ts";

// How a stack cuts the layers into pipeline stages, and the bubble its schedule leaves.

/** Layers on the first stage, the last stage, and the fullest stage in between. */
export interface StagePartition {
  readonly first: number;
  readonly last: number;
  readonly middleMax: number;
}

/** Layer counts a user set for the end stages (Megatron's decoder-first/last-pipeline-num-layers). */
export interface EndStagePins {
  readonly firstStageLayers?: number | undefined;
  readonly lastStageLayers?: number | undefined;
}

/** Layers the pinned end stages hold, and the stages left for the rest. */
function endStageSplit(pp: number, pins: EndStagePins): { pinnedLayers: number; freeStages: number } {
  const { firstStageLayers, lastStageLayers } = pins;
  return {
    pinnedLayers: (firstStageLayers ?? 0) + (lastStageLayers ?? 0),
    freeStages: pp - (firstStageLayers === undefined ? 0 : 1) - (lastStageLayers === undefined ? 0 : 1),
  };
}

/**
 * Why user-set end-stage layer counts cannot work with `pp` stages of a `layers`-layer model, or
 * undefined when they can (or none are set): every other stage needs at least one layer.
 */
export function endStagePinsProblem(layers: number, pp: number, pins: EndStagePins): string | undefined {
  if (pins.firstStageLayers === undefined && pins.lastStageLayers === undefined) return undefined;
  if (pp < 2) return "first/last stage layer counts need pp > 1";
  const { pinnedLayers, freeStages } = endStageSplit(pp, pins);
  const fits = freeStages === 0 ? pinnedLayers === layers : pinnedLayers <= layers - freeStages;
  return fits
    ? undefined
    : `the end stages' ${pinnedLayers} layers leave ${layers - pinnedLayers} of ${layers} for ${freeStages} other stages`;
}

/**
 * Even split: every stage ceil(L/p) layers, the end stages (which also hold the embedding and the output
 * layer) giving layers up first when p does not divide L.
 */
function evenPartition(layers: number, pp: number): StagePartition {
  const perStage = Math.ceil(layers / pp);
  const deficit = perStage * pp - layers;
  const last = perStage - (deficit >= 1 ? 1 : 0);
  const first = perStage - (deficit >= 2 ? 1 : 0);
  // The middle stages give up layers from the back; one keeps them all unless every one gave one up.
  const middleMax = pp > 2 && deficit - 2 >= pp - 2 ? perStage - 1 : perStage;
  return { first, last, middleMax };
}

/**
 * Balanced split: the last stage also runs the output layer and loss, worth `outputLayers` layers of
 * time, so it takes fewer layers until its time matches the others'. The first stage takes the smaller
 * share of the rest (it holds the most micro-batches in flight).
 */
function balancedPartition(layers: number, pp: number, outputLayers: number): StagePartition {
  let best: StagePartition | undefined;
  let bestTime = Number.POSITIVE_INFINITY;
  const ideal = (layers - (pp - 1) * outputLayers) / pp;
  const maxLast = layers - (pp - 1);
  for (const candidate of [Math.floor(ideal), Math.ceil(ideal), 1]) {
    const last = Math.min(maxLast, Math.max(1, candidate));
    const rest = layers - last;
    const middleMax = Math.ceil(rest / (pp - 1));
    const first = pp > 2 ? Math.max(1, rest - middleMax * (pp - 2)) : rest;
    const time = Math.max(middleMax, first, last + outputLayers);
    if (time < bestTime - 1e-12) {
      bestTime = time;
      best = { first: Math.min(first, middleMax), last, middleMax: pp > 2 ? middleMax : first };
    }
  }
  return best ?? evenPartition(layers, pp);
}

export function stagePartition(
  layers: number,
  pp: number,
  policy: SoftwareStack["pipelinePartition"],
  outputLayers: number,
  pins: EndStagePins = {},
): StagePartition {
  if (pp === 1) return { first: layers, last: layers, middleMax: layers };
  const { firstStageLayers, lastStageLayers } = pins;
  if (firstStageLayers !== undefined || lastStageLayers !== undefined) {
    const middleStages = pp - 2;
    const { pinnedLayers, freeStages } = endStageSplit(pp, pins);
    const perFree = freeStages > 0 ? Math.ceil((layers - pinnedLayers) / freeStages) : 0;
    return {
      first: firstStageLayers ?? perFree,
      last: lastStageLayers ?? perFree,
      middleMax: middleStages > 0 ? perFree : (firstStageLayers ?? perFree),
    };
  }
  return policy === "balanced" ? balancedPartition(layers, pp, outputLayers) : evenPartition(layers, pp);
}

/**
 * Idle time of the bottleneck stage per step, given one micro-batch's forward and backward time on a
 * stage. 1F1B: (p-1) micro-batch times, divided by v when interleaved (Narayanan et al. 2021, eq. 2).
 * Zero-bubble ZB-H1 splits the backward into input and weight gradients and fills the drain with the
 * weight work: about a third of 1F1B's bubble (Qi et al. 2023, section 3). DualPipe: (p/2 - 1)(F&B + B
 * - 3W) with W = B/2 (DeepSeek-V3 report, Table 2).
 */
export function pipelineBubbleSeconds(
  schedule: SoftwareStack["pipelineSchedule"],
  pp: number,
  virtualStages: number,
  forwardSeconds: number,
  backwardSeconds: number,
): number {
  if (pp <= 1) return 0;
  const perMicrobatch = forwardSeconds + backwardSeconds;
  if (schedule === "zero-bubble") return ((pp - 1) * perMicrobatch) / (3 * virtualStages);
  if (schedule === "dualpipe") {
    const weight = backwardSeconds / 2;
    return Math.max(0, (pp / 2 - 1) * (perMicrobatch + backwardSeconds - 3 * weight));
  }
  return ((pp - 1) / virtualStages) * perMicrobatch;
}
