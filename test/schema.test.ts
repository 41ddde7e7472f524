import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { scenarioJsonSchema } from "../src/scenario/json-schema.ts";

describe("shipped JSON Schema", () => {
  it("is up to date with the zod schema (npm run schema rewrites it)", () => {
    const shipped = JSON.parse(
      readFileSync(new URL("../schema/scenario.schema.json", import.meta.url), "utf8"),
    );
    assert.deepEqual(shipped, JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});
