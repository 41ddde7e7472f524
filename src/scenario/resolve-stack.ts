import type { z } from "zod";
import type { Generation } from "../catalog/accelerators.ts";
import { type HardwareCalibration, hardwareCalibrationFor } from "../catalog/hardware-calibrations.ts";
import { nearestName } from "../catalog/lookup.ts";
import type { Source } from "../catalog/source.ts";
import { TUNABLE_CONSTANTS } from "../catalog/stack-constants.ts";
import { DEFAULT_STACK, findStack, type SoftwareStack, STACKS } from "../catalog/stacks.ts";
import { InputError } from "../errors.ts";
import type { stackObjectSchema } from "./schema.ts";

export type StackSection = z.output<typeof stackObjectSchema>;

/** The software stack and the generation's hardware constants a cluster runs with. */
export interface ResolvedStack {
  readonly stack: SoftwareStack;
  readonly hardware: HardwareCalibration;
}

/** Feature fields of a stack section copied as they are (the numeric constants come from the table). */
const FEATURES = [
  "attentionKernel",
  "activationStyle",
  "gradReduceOverlap",
  "paramGatherOverlap",
  "pipelineCommOverlap",
  "zero3CopyOut",
  "contextParallelAlgorithm",
  "pipelineSchedule",
  "pipelinePartition",
  "gradReduceBytes",
] as const;

export function catalogStack(name: string, path: string): SoftwareStack {
  const stack = findStack(name);
  if (stack) return stack;
  const names = STACKS.flatMap((s) => [s.name, ...s.aliases]);
  throw new InputError(
    path,
    name,
    `a known software stack (${STACKS.map((s) => s.name).join(", ")})`,
    nearestName(name, names),
  );
}

/**
 * A catalog stack by name, or a stack section (a stack file inlined): its base stack with the
 * section's features and constants, and the generation's hardware constants with the section's.
 */
export function resolveStackSection(
  section: string | StackSection | undefined,
  generation: Generation,
): ResolvedStack {
  const catalogHardware = hardwareCalibrationFor(generation);
  if (section === undefined) return { stack: DEFAULT_STACK, hardware: catalogHardware };
  if (typeof section === "string") {
    return { stack: catalogStack(section, "cluster.stack"), hardware: catalogHardware };
  }
  const base = catalogStack(section.basedOn ?? DEFAULT_STACK.name, "cluster.stack.basedOn");
  const fitted = section.calibration;
  const sourceOf = (name: string): Source => {
    const constant = fitted?.constants?.[name];
    return constant?.determined
      ? {
          ref: `fitted by gigacluster calibrate on ${fitted?.date} over ${fitted?.runs} measured runs`,
          kind: "derived",
        }
      : { ref: "stack file (user value)", kind: "estimate" };
  };
  const stackValues: Record<string, unknown> = {};
  const hardwareValues: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  const hardwareSources: Record<string, Source> = {};
  for (const constant of TUNABLE_CONSTANTS) {
    const value =
      constant.section === "stack"
        ? (section as Record<string, unknown>)[constant.name]
        : (section.hardware as Record<string, unknown> | undefined)?.[constant.name];
    if (value === undefined) continue;
    if (constant.section === "stack") {
      stackValues[constant.name] = value;
      sources[constant.name] = sourceOf(constant.name);
    } else {
      hardwareValues[constant.name] = value;
      hardwareSources[constant.name] = sourceOf(constant.name);
    }
  }
  for (const feature of FEATURES) {
    const value = section[feature];
    if (value === undefined) continue;
    stackValues[feature] = value;
    sources[feature] = { ref: "stack file (user value)", kind: "estimate" };
  }
  const measured: Source = { ref: "stack file: refitted from measured kernel rates", kind: "measured" };
  if (section.hardware?.gemm) {
    hardwareValues.gemm = section.hardware.gemm;
    hardwareSources.gemm = measured;
  }
  if (section.hardware?.flashAttention) {
    hardwareValues.flashAttention = section.hardware.flashAttention;
    hardwareSources.flashAttention = measured;
  }
  const name = section.name ?? `${base.name}-custom`;
  const stack: SoftwareStack = {
    ...base,
    ...stackValues,
    name,
    aliases: [],
    description: section.description ?? `${base.description}; constants of ${name}`,
    basedOn: base.name,
    ...(fitted?.crossValidatedError !== undefined
      ? { validated: { meanAbsoluteError: fitted.crossValidatedError, runs: fitted.runs } }
      : {}),
    sources: { ...base.sources, ...sources },
  };
  const hardware: HardwareCalibration = {
    ...catalogHardware,
    ...hardwareValues,
    sources: { ...catalogHardware.sources, ...hardwareSources },
  };
  return { stack, hardware };
}
