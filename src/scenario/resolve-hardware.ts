import type { z } from "zod";
import { ACCELERATORS, type Accelerator, type AcceleratorSpec } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { defaultPlatformFor, PLATFORMS, type Platform, TYPICAL_DRAW } from "../catalog/platforms.ts";
import { SITES } from "../catalog/sites.ts";
import type { Source } from "../catalog/source.ts";
import { InputError } from "../errors.ts";
import { formatNumber } from "../units.ts";
import {
  acceleratorObjectSchema,
  type FieldMeta,
  type ParsedScenario,
  platformObjectSchema,
} from "./schema.ts";

// The hardware of a scenario: an accelerator and a server platform, each a catalog name or a section
// of the user's own (a preset with fields overridden, or every field). User units (GB, TFLOP/s, GB/s)
// become SI here and nowhere else; every figure the file gives is marked as the user's in `sources`.

type AcceleratorSection = z.output<typeof acceleratorObjectSchema>;
type PlatformSection = z.output<typeof platformObjectSchema>;

/** Where a figure the scenario file gives comes from, for reports that print sources. */
export function userSource(path: string, value: unknown): Source {
  return { ref: "scenario file (user value)", kind: "estimate", note: `${path}: ${String(value)}` };
}

/** Each figure of an accelerator section, the catalog field it sets, and the factor to SI. */
const ACCELERATOR_FIGURES = {
  hbmGB: { key: "hbmBytes", scale: 1e9 },
  bf16DenseTflops: { key: "bf16DenseFlops", scale: 1e12 },
  fp8DenseTflops: { key: "fp8DenseFlops", scale: 1e12 },
  fp4DenseTflops: { key: "fp4DenseFlops", scale: 1e12 },
  hbmGBps: { key: "hbmBytesPerSecond", scale: 1e9 },
  scaleUpDomainGpus: { key: "scaleUpDomainGpus", scale: 1 },
  scaleUpGBps: { key: "scaleUpBytesPerSecond", scale: 1e9 },
  scaleOutGbps: { key: "scaleOutGbps", scale: 1 },
  tdpWatts: { key: "tdpWatts", scale: 1 },
} as const satisfies Record<
  Exclude<keyof AcceleratorSection, "preset" | "calibrateAs" | "name" | "displayName">,
  { readonly key: keyof AcceleratorSpec; readonly scale: number }
>;
type AcceleratorFigure = keyof typeof ACCELERATOR_FIGURES;
const FIGURES = Object.keys(ACCELERATOR_FIGURES) as AcceleratorFigure[];

/** Every catalog figure can be set from a section (a compile-time check). */
type Unset = Exclude<keyof AcceleratorSpec, (typeof ACCELERATOR_FIGURES)[AcceleratorFigure]["key"]>;
export const ACCELERATOR_FIGURES_COMPLETE: [Unset] extends [never] ? true : Unset = true;

/** Platform fields a section without a preset must give (the rest have stated defaults). */
const PLATFORM_REQUIRED = ["gpusPerServer", "serverMaxWatts", "rackUnits", "priceUsd"] as const;
const PLATFORM_FIELDS = [
  ...PLATFORM_REQUIRED,
  "gpusPerHost",
  "typicalGpuFraction",
  "typicalOtherFraction",
  "cooling",
] as const satisfies readonly Exclude<keyof PlatformSection, "preset" | "name" | "displayName">[];

function unitOf(shape: Readonly<Record<string, z.ZodType>>, key: string): string | undefined {
  const schema = shape[key] as z.ZodOptional<z.ZodType> | undefined;
  return (schema?.unwrap().meta() as FieldMeta | undefined)?.unit;
}

/** One message for every field a section without a preset lacks, each with its unit. */
function missingFields(
  path: string,
  what: "accelerator" | "platform",
  missing: readonly string[],
): InputError {
  const shape: Readonly<Record<string, z.ZodType>> = (
    what === "accelerator" ? acceleratorObjectSchema : platformObjectSchema
  ).shape;
  const listed = missing.map((key) => {
    if (key === "calibrateAs")
      return "calibrateAs (the catalog accelerator whose generation's constants apply, e.g. h100-sxm)";
    const unit = unitOf(shape, key);
    return unit ? `${key} (${unit})` : key;
  });
  return new InputError(
    `${path}.${missing[0]}`,
    undefined,
    `every field of a custom ${what}, or a ${path}.preset to take them from; missing: ${listed.join(", ")}`,
  );
}

function ownName(name: string, taken: readonly { name: string }[], path: string, what: string): string {
  if (taken.some((entry) => entry.name === name.toLowerCase())) {
    throw new InputError(
      `${path}.name`,
      name,
      `a name of your own (${name.toLowerCase()} is the catalog ${what}, whose figures these are not)`,
    );
  }
  return name;
}

/** A catalog accelerator by name, or the accelerator a section describes. */
export function acceleratorFrom(input: string | AcceleratorSection, path: string): Accelerator {
  if (typeof input === "string") return lookup(ACCELERATORS, input, path, "accelerator");
  const base =
    input.preset === undefined
      ? undefined
      : lookup(ACCELERATORS, input.preset, `${path}.preset`, "accelerator");
  const calibration =
    input.calibrateAs === undefined
      ? base
      : lookup(ACCELERATORS, input.calibrateAs, `${path}.calibrateAs`, "accelerator");
  const given = FIGURES.filter((figure) => input[figure] !== undefined);
  if (!base) {
    const missing = [
      ...FIGURES.filter((figure) => input[figure] === undefined && figure !== "fp4DenseTflops"),
      ...(calibration ? [] : ["calibrateAs"]),
    ];
    if (missing.length > 0) throw missingFields(path, "accelerator", missing);
  }
  if (!calibration) throw missingFields(path, "accelerator", ["calibrateAs"]);
  const unchanged =
    given.length === 0 &&
    input.name === undefined &&
    input.displayName === undefined &&
    input.calibrateAs === undefined;
  if (base && unchanged) return base;
  const spec = {} as { -readonly [K in keyof AcceleratorSpec]: number };
  const sources = {} as { -readonly [K in keyof AcceleratorSpec]: Source };
  for (const figure of FIGURES) {
    const { key, scale } = ACCELERATOR_FIGURES[figure];
    const value = input[figure];
    if (value !== undefined) {
      spec[key] = value * scale;
      sources[key] = userSource(`${path}.${figure}`, value);
    } else if (base) {
      spec[key] = base[key];
      sources[key] = base.sources[key];
    } else {
      // Only the FP4 rate may be left out of a part of one's own: most parts have none.
      spec[key] = 0;
      sources[key] = userSource(`${path}.${figure}`, "not given: no FP4 tensor cores");
    }
  }
  const name = ownName(
    input.name ?? (base ? `${base.name}-custom` : "custom-gpu"),
    ACCELERATORS,
    path,
    "accelerator",
  );
  return {
    ...spec,
    name,
    displayName: input.displayName ?? (base ? `${base.displayName} (custom)` : name),
    generation: calibration.generation,
    basedOn: (base ?? calibration).name,
    sources,
  };
}

/** The scenario's accelerator: the cluster's, else the site section's, else the site preset's. */
export function resolveAccelerator(scenario: ParsedScenario): Accelerator {
  if (scenario.cluster.accelerator !== undefined)
    return acceleratorFrom(scenario.cluster.accelerator, "cluster.accelerator");
  const site = scenario.site;
  const sectionAccelerator = typeof site === "object" ? site.accelerator : undefined;
  const presetName = typeof site === "object" ? site.preset : site;
  const preset = presetName === undefined ? undefined : SITES.find((entry) => entry.name === presetName);
  const fromSite = sectionAccelerator ?? preset?.accelerator;
  if (fromSite === undefined) {
    throw new InputError("cluster.accelerator", undefined, "an accelerator name (or a site that names one)");
  }
  return acceleratorFrom(fromSite, "site.accelerator");
}

/** The names a platform must carry to hold this accelerator: its own, or the part it derives from. */
function carries(platform: Platform, accelerator: Accelerator): boolean {
  return (
    platform.accelerators.includes(accelerator.name) ||
    (accelerator.basedOn !== undefined && platform.accelerators.includes(accelerator.basedOn))
  );
}

function carrying(platform: Platform, accelerator: Accelerator, path: string): Platform {
  if (carries(platform, accelerator)) return platform;
  const fits = PLATFORMS.filter((candidate) => carries(candidate, accelerator)).map((p) => p.name);
  throw new InputError(
    path,
    platform.name,
    `a platform that carries ${accelerator.basedOn ?? accelerator.name}${fits.length ? ` (${fits.join(", ")})` : ""}, or a platform section of your own`,
  );
}

function platformFrom(input: PlatformSection, path: string, accelerator: Accelerator): Platform {
  const base =
    input.preset === undefined ? undefined : lookup(PLATFORMS, input.preset, `${path}.preset`, "platform");
  const given = PLATFORM_FIELDS.filter((key) => input[key] !== undefined);
  if (base && given.length === 0 && input.name === undefined && input.displayName === undefined)
    return carrying(base, accelerator, `${path}.preset`);
  if (!base) {
    const missing = PLATFORM_REQUIRED.filter((key) => input[key] === undefined);
    if (missing.length > 0) throw missingFields(path, "platform", missing);
  }
  if (base) carrying(base, accelerator, `${path}.preset`);
  const sources: Record<string, Source> = { ...(base?.sources ?? { typical: TYPICAL_DRAW.source }) };
  for (const key of given) {
    const sourceKey = key === "typicalGpuFraction" || key === "typicalOtherFraction" ? "typical" : key;
    sources[sourceKey] = userSource(`${path}.${key}`, input[key]);
  }
  const pick = <K extends (typeof PLATFORM_REQUIRED)[number]>(key: K): number =>
    input[key] ?? (base as Platform)[key];
  const gpusPerServer = pick("gpusPerServer");
  // A preset's hosts where they still divide the server (NVL72's trays of 4), else one host per server.
  const gpusPerHost =
    input.gpusPerHost ?? (base && gpusPerServer % base.gpusPerHost === 0 ? base.gpusPerHost : gpusPerServer);
  const name = ownName(
    input.name ?? (base ? `${base.name}-custom` : "custom-server"),
    PLATFORMS,
    path,
    "platform",
  );
  const platform: Platform = {
    name,
    displayName: input.displayName ?? (base ? `${base.displayName} (custom)` : name),
    accelerators: base ? base.accelerators : [accelerator.name],
    gpusPerServer,
    gpusPerHost,
    serverMaxWatts: pick("serverMaxWatts"),
    typicalGpuFraction: input.typicalGpuFraction ?? base?.typicalGpuFraction ?? TYPICAL_DRAW.gpuFraction,
    typicalOtherFraction:
      input.typicalOtherFraction ?? base?.typicalOtherFraction ?? TYPICAL_DRAW.otherFraction,
    rackUnits: pick("rackUnits"),
    cooling: input.cooling ?? base?.cooling ?? "air",
    priceUsd: pick("priceUsd"),
    sources,
  };
  if (platform.gpusPerHost > gpusPerServer || gpusPerServer % platform.gpusPerHost !== 0) {
    throw new InputError(
      `${path}.gpusPerHost`,
      platform.gpusPerHost,
      `a divisor of the ${gpusPerServer} GPUs per server`,
    );
  }
  return platform;
}

/**
 * The server platform: a catalog name, a section (over a preset), or left out for the accelerator's
 * usual one. A preset's platform carries what the preset carries (a custom GPU counts as the part it
 * derives from); a section without a preset carries the scenario's accelerator.
 */
export function resolvePlatform(
  input: string | PlatformSection | undefined,
  path: string,
  accelerator: Accelerator,
): Platform {
  let platform: Platform;
  if (input === undefined) {
    const found = defaultPlatformFor(accelerator.basedOn ?? accelerator.name);
    if (!found) {
      throw new InputError(
        path,
        undefined,
        `a server platform for ${accelerator.name} (${PLATFORMS.map((p) => p.name).join(", ")}, or a section of your own)`,
      );
    }
    platform = found;
  } else if (typeof input === "string") {
    platform = carrying(lookup(PLATFORMS, input, path, "platform"), accelerator, path);
  } else {
    platform = platformFrom(input, path, accelerator);
  }
  const gpuWatts = platform.gpusPerServer * accelerator.tdpWatts;
  if (platform.serverMaxWatts < gpuWatts) {
    const own = typeof input === "object" && input.serverMaxWatts !== undefined;
    throw new InputError(
      own ? `${path}.serverMaxWatts` : path,
      own ? platform.serverMaxWatts : platform.name,
      `a server maximum of at least its ${platform.gpusPerServer} GPUs at TDP (${platform.gpusPerServer} x ${formatNumber(accelerator.tdpWatts)} W of ${accelerator.name} = ${formatNumber(gpuWatts)} W)${own ? "" : `; give ${path} a section with serverMaxWatts`}`,
    );
  }
  return platform;
}
