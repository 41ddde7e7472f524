// Writes schema/scenario.schema.json from the zod schema (a test checks it is up to date).
import { writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "../src/scenario/json-schema.ts";

writeFileSync(
  new URL("../schema/scenario.schema.json", import.meta.url),
  `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`,
);
