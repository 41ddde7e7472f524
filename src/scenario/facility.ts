import type { Accelerator } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { NETWORK_GEAR, type NetworkGear } from "../catalog/network-gear.ts";
import { defaultPlatformFor, PLATFORMS, type Platform } from "../catalog/platforms.ts";
import { SITES, type Site } from "../catalog/sites.ts";
import { InputError } from "../errors.ts";
import type { Budget } from "../facility/inverse.ts";
import type { ParsedScenario } from "./schema.ts";

/** What the build-out stage needs: the site's assumptions, the hardware, and what fixes the size. */
export interface FacilitySetup {
  readonly site: Site;
  readonly platform: Platform;
  readonly gear: NetworkGear;
  readonly accelerator: Accelerator;
  /** Fixed size (cluster.gpus, else the site's own), or undefined when a budget decides it. */
  readonly gpus: number | undefined;
  readonly budget: Budget;
  readonly chipsPerYear: number | undefined;
}

function resolveSite(site: ParsedScenario["site"]): Site {
  if (site === undefined) return lookup(SITES, "generic-2025", "site", "site");
  if (typeof site === "string") return lookup(SITES, site, "site", "site");
  const { preset, fabric, ...fields } = site;
  const base = lookup(SITES, preset ?? "generic-2025", "site.preset", "site");
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const definedFabric = Object.fromEntries(
    Object.entries(fabric ?? {}).filter(([, value]) => value !== undefined),
  );
  return {
    ...base,
    ...defined,
    name: site.name ?? (preset ? `${base.name}-custom` : "custom-site"),
    fabric: { ...base.fabric, ...definedFabric },
  };
}

/** The facility inputs, when the scenario has a site or a budget (else the build-out is skipped). */
export function resolveFacility(
  scenario: ParsedScenario,
  accelerator: Accelerator,
): FacilitySetup | undefined {
  if (scenario.site === undefined && scenario.budget === undefined) return undefined;
  const site = resolveSite(scenario.site);
  const sitePath = typeof scenario.site === "object" ? "site.platform" : "site";
  const platform = site.platform
    ? lookup(PLATFORMS, site.platform, sitePath, "platform")
    : defaultPlatformFor(accelerator.name);
  if (!platform) {
    throw new InputError(
      "site.platform",
      undefined,
      `a server platform for ${accelerator.name} (${PLATFORMS.map((p) => p.name).join(", ")})`,
    );
  }
  if (!platform.accelerators.includes(accelerator.name)) {
    throw new InputError("site.platform", platform.name, `a platform that carries ${accelerator.name}`);
  }
  const gear = lookup(NETWORK_GEAR, site.network, "site.network", "network family");
  const budget: Budget = {
    ...(scenario.budget?.usd !== undefined ? { usd: scenario.budget.usd } : {}),
    ...(scenario.budget?.megawatts !== undefined
      ? { megawatts: scenario.budget.megawatts }
      : site.powerMegawatts !== undefined && scenario.cluster.gpus === undefined
        ? { megawatts: site.powerMegawatts }
        : {}),
  };
  const sizedByBudget = budget.usd !== undefined || budget.megawatts !== undefined;
  const gpus = scenario.cluster.gpus ?? (sizedByBudget ? undefined : site.gpus);
  if (gpus === undefined && !sizedByBudget) {
    throw new InputError(
      "cluster.gpus",
      undefined,
      "a GPU count (or a budget: usd or megawatts, or a site that has one)",
    );
  }
  return { site, platform, gear, accelerator, gpus, budget, chipsPerYear: scenario.budget?.chipsPerYear };
}
