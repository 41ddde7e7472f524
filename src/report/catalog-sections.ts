// The catalogs' names alone, apart from their data: the CLI's help lists them without loading it.

/** Every catalog, as rows a user can read and a source for each entry. */
export const CATALOG_SECTIONS = [
  "accelerators",
  "models",
  "sites",
  "platforms",
  "network",
  "failures",
  "stacks",
] as const;
export type CatalogSection = (typeof CATALOG_SECTIONS)[number];
