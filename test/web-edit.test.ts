import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadScenario } from "../src/scenario/normalize.ts";
import { FIELDS, fieldForError } from "../web/src/fields.ts";
import {
  textOfValue,
  valueAt,
  valueOfText,
  withPresetChosen,
  withValueAt,
} from "../web/src/scenario-edit.ts";

// The web form's editing of a scenario file, without a browser.

describe("editing a scenario file field by field", () => {
  const base = { model: "llama-3-70b", cluster: { accelerator: "h100-sxm", gpus: 4096 }, layout: "auto" };

  it("reads a section given by name as its preset, and turns it into an object to override a field", () => {
    assert.equal(valueAt(base, "model.preset"), "llama-3-70b");
    const edited = withValueAt(base, "model.layers", 40);
    assert.deepEqual(edited.model, { preset: "llama-3-70b", layers: 40 });
    assert.equal(withValueAt(edited, "model.layers", undefined).model, "llama-3-70b");
    assert.deepEqual(withValueAt(base, "layout.tp", 8).layout, { tp: 8 });
    assert.equal("layout" in withValueAt(base, "cluster.gpus", 1024), false);
  });

  it("drops sections left empty and leaves the original untouched", () => {
    const edited = withValueAt(
      { site: { fabric: { leafOversubscription: 2 } } },
      "site.fabric.leafOversubscription",
      undefined,
    );
    assert.deepEqual(edited, {});
    assert.deepEqual(base.cluster, { accelerator: "h100-sxm", gpus: 4096 });
  });

  it("reads field text as YAML: numbers, ranges, distributions; bad text goes in as typed", () => {
    assert.equal(valueOfText(" 15e12 "), 15e12);
    assert.equal(valueOfText("60..90"), "60..90");
    assert.deepEqual(valueOfText("{ triangular: [3, 10, 30] }"), { triangular: [3, 10, 30] });
    assert.equal(valueOfText("true"), true);
    assert.equal(valueOfText(""), undefined);
    assert.equal(valueOfText("{ oops"), "{ oops");
    for (const value of [15e12, 8192, 0.5, "60..90", { normal: [1, 0.2] }, { min: 1, max: 4 }]) {
      assert.deepEqual(valueOfText(textOfValue(value)), value);
    }
  });

  it("loads a preset in place of the section, and lets a site with its own accelerator decide it", () => {
    const overridden = withValueAt(base, "model.layers", 40);
    assert.equal(withPresetChosen(overridden, "model", "llama-3-8b").model, "llama-3-8b");
    const sited = withPresetChosen(base, "site", "stargate-uae-200mw");
    assert.equal(sited.site, "stargate-uae-200mw");
    assert.equal(valueAt(sited, "cluster.accelerator"), undefined);
    assert.ok(
      loadScenario(
        JSON.stringify({ ...sited, training: { sequenceLength: 8192, globalBatchTokens: 16777216 } }),
      ),
    );
  });

  it("finds the field of every error path the scenario check names", () => {
    assert.equal(fieldForError("cluster.gpus")?.path, "cluster.gpus");
    assert.equal(fieldForError("model")?.path, "model.preset");
    assert.equal(fieldForError("site.fabric")?.path, "site.fabric.leafOversubscription");
    assert.equal(fieldForError("budget")?.path, "budget.usd");
    assert.equal(fieldForError("nothing.here"), undefined);
    assert.equal(new Set(FIELDS.map((f) => f.path)).size, FIELDS.length);
  });
});
