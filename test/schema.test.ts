import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fieldInfo } from "../src/scenario/field-meta.ts";
import { scenarioJsonSchema } from "../src/scenario/json-schema.ts";
import { FIELDS } from "../web/src/fields.ts";

describe("shipped JSON Schema", () => {
  it("is up to date with the zod schema (npm run schema rewrites it)", () => {
    const shipped = JSON.parse(
      readFileSync(new URL("../schema/scenario.schema.json", import.meta.url), "utf8"),
    );
    assert.deepEqual(shipped, JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});

describe("the schema as the one source of fields", () => {
  it("gives every property of the shipped JSON Schema a title and a description (editors show them)", () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== "object" || node === null) return;
      const schema = node as { properties?: Record<string, unknown>; anyOf?: unknown[] };
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        const at = path ? `${path}.${key}` : key;
        const described = property as { title?: string; description?: string };
        if (!described.title || !described.description) missing.push(at);
        walk(property, at);
      }
      for (const option of schema.anyOf ?? []) walk(option, path);
    };
    walk(scenarioJsonSchema(), "");
    assert.deepEqual(missing, []);
  });

  it("generates every form field of the page from the schema: label, help, kind and choices", () => {
    for (const field of FIELDS) {
      const info = fieldInfo(field.path);
      assert.equal(field.label, info.meta.title, field.path);
      assert.ok(field.help.startsWith(info.meta.description), field.path);
      if (info.values) {
        assert.deepEqual(
          field.choices?.slice(1).map((c) => c.value),
          [...info.values],
          field.path,
        );
      }
    }
    assert.equal(fieldInfo("layout.zero").kind, "select");
    assert.deepEqual(fieldInfo("layout.zero").values, ["0", "1", "2", "3"]);
    assert.equal(fieldInfo("checkpoint.interval").kind, "number");
    assert.equal(fieldInfo("model.moe.experts").meta.title, "Experts (MoE)");
    assert.throws(() => fieldInfo("cluster.nothing"), /no scenario field cluster\.nothing/);
  });

  it("keeps the accelerator a catalog select on the page; a section of one's own is for the YAML editor", () => {
    const info = fieldInfo("cluster.accelerator");
    assert.equal(info.kind, "select");
    assert.equal(info.meta.catalog, "accelerators");
    const field = FIELDS.find((f) => f.path === "cluster.accelerator");
    assert.ok(field?.choices?.some((choice) => choice.value === "h100-sxm"));
    assert.equal(fieldInfo("cluster.accelerator.hbmGB").meta.unit, "GB");
    assert.equal(fieldInfo("site.accelerator.bf16DenseTflops").meta.unit, "TFLOP/s");
    assert.equal(fieldInfo("site.platform.serverMaxWatts").meta.unit, "W");
    type Node = { anyOf?: Node[]; properties?: Record<string, Node>; maximum?: number; title?: string };
    const cluster = (scenarioJsonSchema() as Node).properties?.cluster;
    const options = cluster?.properties?.accelerator?.anyOf ?? [];
    const section = options.find((option) => option.properties);
    assert.equal(options.length, 2, "a catalog name or a section");
    assert.equal(section?.properties?.hbmGB?.title, "HBM (GB)");
    assert.equal(section?.properties?.hbmGB?.maximum, 10_000, "bounds reach editors too");
  });
});
