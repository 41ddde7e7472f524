import type { Accelerator } from "../catalog/accelerators.ts";
import { lookup } from "../catalog/lookup.ts";
import { NETWORK_GEAR, type NetworkGear } from "../catalog/network-gear.ts";
import type { Platform } from "../catalog/platforms.ts";
import { SITES, type Site } from "../catalog/sites.ts";
import { InputError } from "../errors.ts";
import type { Budget } from "../facility/inverse.ts";
import { contractHours, type RentSetup } from "../facility/rent.ts";
import { MAX_GPUS } from "../limits.ts";
import { formatNumber } from "../units.ts";
import { resolvePlatform } from "./resolve-hardware.ts";
import { resolveRent } from "./resolve-rent.ts";
import type { ParsedScenario } from "./schema.ts";

/** What sizes the cluster, checked once: a GPU count, or the most a budget or power envelope holds. */
export type ClusterSize =
  | { readonly by: "gpus"; readonly gpus: number }
  | { readonly by: "budget"; readonly limit: Budget };

/** What the build-out stage needs: the site's assumptions, the hardware, and what fixes the size. */
export interface FacilitySetup {
  /** The scenario names a site or a budget (else the generic site is assumed for costs and checkpoints). */
  readonly stated: boolean;
  readonly site: Site;
  readonly platform: Platform;
  readonly gear: NetworkGear;
  readonly accelerator: Accelerator;
  /** cluster.gpus, else the site's own count, else the budget or the site's power envelope. */
  readonly size: ClusterSize;
  /** The money and power given, for the share of them a build-out uses (also beside a GPU count). */
  readonly budget: Budget;
  readonly chipsPerYear: number | undefined;
  /** A GPU rental contract to weigh against owning the build-out (the rent section). */
  readonly rent?: RentSetup;
}

const GENERIC_SITE = "generic-2025";

/** The site's fields, and whether its rack power limit is the generic preset's (not one the user chose). */
function resolveSite(site: ParsedScenario["site"]): { site: Site; genericRack: boolean } {
  if (site === undefined || typeof site === "string") {
    const name = site ?? GENERIC_SITE;
    return { site: lookup(SITES, name, "site", "site"), genericRack: name === GENERIC_SITE };
  }
  // The accelerator and platform (a name or a section of their own) are resolve-hardware.ts's.
  const { preset, fabric, accelerator, platform, ...fields } = site;
  const base = lookup(SITES, preset ?? GENERIC_SITE, "site.preset", "site");
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const definedFabric = Object.fromEntries(
    Object.entries(fabric ?? {}).filter(([, value]) => value !== undefined),
  );
  return {
    site: {
      ...base,
      ...defined,
      ...(typeof accelerator === "string" ? { accelerator } : {}),
      ...(typeof platform === "string" ? { platform } : {}),
      // A named site of one's own is not the generic one in reports.
      ...(site.name !== undefined && preset === undefined && site.displayName === undefined
        ? { displayName: site.name }
        : {}),
      name: site.name ?? (preset ? `${base.name}-custom` : "custom-site"),
      fabric: { ...base.fabric, ...definedFabric },
    },
    genericRack: base.name === GENERIC_SITE && fields.rackKilowatts === undefined,
  };
}

/**
 * The facility inputs of every scenario: its site (the generic one when it names none) and budget.
 * The generic site's air-cooled rack limit gives way to a rack-scale system (GB200 NVL72), which
 * brings its own liquid-cooled rack; a limit the user set stays.
 */
export function resolveFacility(scenario: ParsedScenario, accelerator: Accelerator): FacilitySetup {
  const stated = scenario.site !== undefined || scenario.budget !== undefined || scenario.rent !== undefined;
  const { site: named, genericRack } = resolveSite(scenario.site);
  const section = typeof scenario.site === "object" ? scenario.site.platform : undefined;
  const platform = resolvePlatform(
    section ?? named.platform,
    typeof scenario.site === "string" && named.platform !== undefined ? "site" : "site.platform",
    accelerator,
  );
  const own = typeof section === "object" ? { platform: platform.name } : {};
  const site = genericRack
    ? { ...named, ...own, rackKilowatts: Math.max(named.rackKilowatts, platform.serverMaxWatts / 1000) }
    : { ...named, ...own };
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
  // A serving scenario sizes its own fleet: without a stated count, one scale-up domain stands in.
  const servingDefault = scenario.serve ? accelerator.scaleUpDomainGpus : undefined;
  const rent = resolveRent(scenario, accelerator);
  // A contract alone sizes the cluster it is weighed against: the GPUs it holds on average.
  const rented = rent
    ? Math.max(
        1,
        Math.ceil(contractHours(rent.contractUsd, rent.price.usdPerGpuHour, rent.years).averageGpus),
      )
    : undefined;
  if (rented !== undefined && rented > MAX_GPUS && scenario.cluster.gpus === undefined && !sizedByBudget)
    throw new InputError(
      "rent.contractUsd",
      rent?.contractUsd,
      `a contract that holds at most ${formatNumber(MAX_GPUS)} GPUs on average (it holds ${formatNumber(rented)})`,
    );
  const gpus = scenario.cluster.gpus ?? (sizedByBudget ? undefined : (site.gpus ?? rented ?? servingDefault));
  let size: ClusterSize;
  if (gpus !== undefined) size = { by: "gpus", gpus };
  else if (sizedByBudget) size = { by: "budget", limit: budget };
  else {
    throw new InputError(
      "cluster.gpus",
      undefined,
      "a GPU count (or a budget: usd or megawatts, or a site that has one)",
    );
  }
  return {
    stated,
    site,
    platform,
    gear,
    accelerator,
    size,
    budget,
    chipsPerYear: scenario.budget?.chipsPerYear,
    ...(rent ? { rent } : {}),
  };
}
