import { HOURS_PER_YEAR } from "../units.ts";

// A fleet over time: phases of capacity with dates, a supply limit on chips, and the quarter-by-quarter
// GPUs, power, capex and electricity that follow. Months are counted as year * 12 + (month - 1).

/** Phases of one growth plan (each a build-out of its own). */
export const MAX_GROWTH_PHASES = 40;
/** Quarters of one table: 20 years. */
export const MAX_GROWTH_QUARTERS = 80;
/** Training runs placed on one fleet (each may need a layout search of its own). */
export const MAX_GROWTH_RUNS = 20;

/** A phase sized by its build-out: what it adds once all of its chips have arrived. */
export interface BuiltPhase {
  readonly name: string;
  /** The month its capacity starts to come online. */
  readonly month: number;
  readonly accelerator: string;
  readonly gpus: number;
  readonly capexUsd: number;
  /** Facility power at peak draw (what is built), and at typical training draw (what the meter bills). */
  readonly facilityMegawatts: number;
  readonly typicalFacilityMegawatts: number;
  /** Dense bf16 FLOP/s of one GPU (vendors quote sparse; this is dense). */
  readonly denseFlopsPerGpu: number;
  readonly electricityUsdPerMegawattHour: number;
}

export interface QuarterRow {
  /** "2025-Q3". */
  readonly quarter: string;
  /** Its first month. */
  readonly month: number;
  /** GPUs online at the quarter's end, by accelerator. */
  readonly gpusByAccelerator: Readonly<Record<string, number>>;
  readonly gpus: number;
  /** GPUs that arrived in the quarter. */
  readonly addedGpus: number;
  readonly facilityMegawatts: number;
  /** Capex of the chips that arrived in the quarter (with their share of network, storage and building). */
  readonly capexUsd: number;
  readonly cumulativeCapexUsd: number;
  /** Electricity of the quarter at typical draw; arrivals are billed the whole quarter (an upper bound). */
  readonly electricityUsd: number;
  readonly denseFlops: number;
}

/** When a phase's chips arrive: month online and count, in order. */
export interface PhaseArrival {
  readonly phase: number;
  readonly month: number;
  readonly gpus: number;
}

export interface FleetTimeline {
  readonly quarters: readonly QuarterRow[];
  readonly arrivals: readonly PhaseArrival[];
  /** Chips of each phase still waiting for supply after the last quarter. */
  readonly undelivered: readonly number[];
  /** The month each phase is complete (undefined when it is not within the table). */
  readonly completeMonth: readonly (number | undefined)[];
}

export const monthIndex = (year: number, month: number): number => year * 12 + (month - 1);
export const quarterStart = (month: number): number => month - (month % 3);
export function monthText(month: number): string {
  return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;
}
export function quarterText(month: number): string {
  return `${Math.floor(month / 12)}-Q${Math.floor((month % 12) / 3) + 1}`;
}

/** Chips the supply allows in the n-th quarter of the table (whole chips; the fractions carry over). */
function quarterSupply(chipsPerYear: number, n: number): number {
  return Math.floor(((n + 1) * chipsPerYear) / 4) - Math.floor((n * chipsPerYear) / 4);
}

/**
 * The fleet quarter by quarter from the first phase's quarter to `untilMonth`'s. Phases take their
 * chips first come, first served (in date order); with a supply limit a phase's chips arrive no faster
 * than chipsPerYear / 4 a quarter, so a large phase spreads over later quarters. Chips that arrive in a
 * phase's own quarter are online from its date; later ones from the start of the next quarter (when the
 * quarter's deliveries are in). Nothing is retired.
 */
export function fleetByQuarter(
  phases: readonly BuiltPhase[],
  chipsPerYear: number | undefined,
  untilMonth: number,
): FleetTimeline {
  const first = quarterStart(Math.min(...phases.map((p) => p.month)));
  const last = quarterStart(untilMonth);
  const count = Math.min(MAX_GROWTH_QUARTERS, Math.max(1, (last - first) / 3 + 1));
  const waiting = phases.map((p) => p.gpus);
  const delivered = phases.map(() => 0);
  const completeMonth: (number | undefined)[] = phases.map(() => undefined);
  const arrivals: PhaseArrival[] = [];
  const quarters: QuarterRow[] = [];
  let cumulativeCapexUsd = 0;
  for (let n = 0; n < count; n++) {
    const month = first + 3 * n;
    let supply = chipsPerYear === undefined ? Number.POSITIVE_INFINITY : quarterSupply(chipsPerYear, n);
    let added = 0;
    let capexUsd = 0;
    phases.forEach((phase, i) => {
      if (quarterStart(phase.month) > month || waiting[i] === 0 || supply <= 0) return;
      const gpus = Math.min(waiting[i] ?? 0, supply);
      supply -= gpus;
      waiting[i] = (waiting[i] ?? 0) - gpus;
      delivered[i] = (delivered[i] ?? 0) + gpus;
      added += gpus;
      capexUsd += (phase.capexUsd * gpus) / phase.gpus;
      const online = quarterStart(phase.month) === month ? phase.month : month + 3;
      arrivals.push({ phase: i, month: online, gpus });
      if (waiting[i] === 0) completeMonth[i] = online;
    });
    cumulativeCapexUsd += capexUsd;
    const gpusByAccelerator: Record<string, number> = {};
    let facilityMegawatts = 0;
    let electricityUsd = 0;
    let denseFlops = 0;
    phases.forEach((phase, i) => {
      const share = (delivered[i] ?? 0) / phase.gpus;
      if (share === 0) return;
      gpusByAccelerator[phase.accelerator] =
        (gpusByAccelerator[phase.accelerator] ?? 0) + (delivered[i] ?? 0);
      facilityMegawatts += phase.facilityMegawatts * share;
      electricityUsd +=
        phase.typicalFacilityMegawatts * share * (HOURS_PER_YEAR / 4) * phase.electricityUsdPerMegawattHour;
      denseFlops += (delivered[i] ?? 0) * phase.denseFlopsPerGpu;
    });
    quarters.push({
      quarter: quarterText(month),
      month,
      gpusByAccelerator,
      gpus: Object.values(gpusByAccelerator).reduce((a, b) => a + b, 0),
      addedGpus: added,
      facilityMegawatts,
      capexUsd,
      cumulativeCapexUsd,
      electricityUsd,
      denseFlops,
    });
  }
  return { quarters, arrivals, undelivered: waiting, completeMonth };
}

/** GPUs of an accelerator online in a month (from the arrivals). */
export function onlineAt(
  timeline: FleetTimeline,
  phases: readonly BuiltPhase[],
  accelerator: string,
  month: number,
): number {
  return timeline.arrivals
    .filter((a) => a.month <= month && phases[a.phase]?.accelerator === accelerator)
    .reduce((sum, a) => sum + a.gpus, 0);
}

/** The first month at which `gpus` of an accelerator are online, no earlier than `from`. */
export function monthWhenOnline(
  timeline: FleetTimeline,
  phases: readonly BuiltPhase[],
  accelerator: string,
  gpus: number,
  from: number,
): number | undefined {
  // One pass over the arrivals in month order (at most phases x quarters of them).
  const own = timeline.arrivals
    .filter((a) => phases[a.phase]?.accelerator === accelerator)
    .sort((a, b) => a.month - b.month);
  let online = 0;
  for (const arrival of own) {
    online += arrival.gpus;
    if (online >= gpus) return Math.max(from, arrival.month);
  }
  return undefined;
}
