import { nearestName } from "../catalog/lookup.ts";
import { InputError } from "../errors.ts";
import {
  CATALOG_SECTIONS,
  type CatalogSection,
  catalogListing,
  catalogReport,
} from "../report/catalog-report.ts";
import { drawText } from "../report/document.ts";
import { toJson } from "../report/json.ts";
import type { Io } from "./common.ts";

function catalogSection(name: string): CatalogSection {
  const found = CATALOG_SECTIONS.find((section) => section === name);
  if (found) return found;
  throw new InputError(
    "section",
    name,
    `one of ${CATALOG_SECTIONS.join(", ")}`,
    nearestName(name, CATALOG_SECTIONS),
  );
}

export function runCatalog(section: string | undefined, options: { json?: boolean }, io: Io): number {
  const sections = section === undefined ? CATALOG_SECTIONS : [catalogSection(section)];
  const listings = sections.map(catalogListing);
  io.out(
    options.json
      ? toJson(Object.fromEntries(listings.map((l) => [l.section, l.entries])))
      : drawText({ sections: listings.flatMap((l) => catalogReport(l).sections) }),
  );
  return 0;
}
