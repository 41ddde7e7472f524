import * as z from "zod";
import { scenarioFileSchema } from "./schema.ts";

/** The scenario format as JSON Schema (draft 2020-12), for editors; generated from the zod schema. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioFileSchema, { io: "input" }),
    title: "gigacluster scenario",
    description:
      "A model, its training, a cluster (or a site and a budget), a layout, and the run's reliability settings.",
  };
}
