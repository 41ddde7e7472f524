import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// What start-up loads, checked on the static import graph (no timings here: bench/startup.bench.ts
// measures). A command loads its modules when it runs, so each is checked from its own module.

const root = fileURLToPath(new URL("..", import.meta.url));

/** The import specifiers of a file that load at run time: type-only imports and exports are erased. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const typesOnly =
        clause?.isTypeOnly ||
        (clause !== undefined &&
          !clause.name &&
          bindings !== undefined &&
          ts.isNamedImports(bindings) &&
          bindings.elements.length > 0 &&
          bindings.elements.every((element) => element.isTypeOnly));
      if (!typesOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      const clause = statement.exportClause;
      const typesOnly =
        statement.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((element) => element.isTypeOnly));
      if (!typesOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

/** The files (relative to the repository) and packages a module loads before it runs. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    const name = relative(root, file);
    if (files.has(name)) return;
    files.add(name);
    for (const specifier of valueImports(file)) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith("node:")) {
        const parts = specifier.split("/");
        packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
      }
    }
  };
  visit(resolve(root, entry));
  return { files, packages };
}

const CHART_LIBRARIES = ["@observablehq/plot", "linkedom"];
const CALIBRATION_LIBRARIES = ["ml-levenberg-marquardt", "papaparse"];

function assertLoadsNone(entry: string, libraries: readonly string[]): void {
  const { packages } = staticGraph(entry);
  for (const library of libraries) assert.ok(!packages.has(library), `${entry} loads ${library}`);
}

describe("start-up loads only what a command uses", () => {
  it("the walk sees the plotting library where a chart is drawn", () => {
    assert.ok(staticGraph("src/charts.ts").packages.has("@observablehq/plot"));
  });

  it("the CLI's entry (and so --help) loads commander and none of the core's libraries", () => {
    const { files, packages } = staticGraph("src/cli/main.ts");
    assert.deepEqual([...packages], ["commander"]);
    assert.ok(!files.has("src/index.ts"), "main.ts loads the whole core through src/index.ts");
  });

  it("no library entry or command loads the chart libraries before it draws a chart", () => {
    for (const entry of [
      "src/index.ts",
      "src/cli/training.ts",
      "src/cli/analyses.ts",
      "src/cli/buildout.ts",
      "src/cli/serve.ts",
      "src/cli/catalog.ts",
      "src/cli/calibrate.ts",
      "src/cli/validate.ts",
    ]) {
      assertLoadsNone(entry, CHART_LIBRARIES);
    }
  });

  it("the scenario commands leave calibration's libraries alone, the catalog the scenario's", () => {
    for (const entry of [
      "src/cli/training.ts",
      "src/cli/analyses.ts",
      "src/cli/buildout.ts",
      "src/cli/serve.ts",
    ]) {
      assertLoadsNone(entry, CALIBRATION_LIBRARIES);
    }
    assertLoadsNone("src/cli/catalog.ts", ["zod", "yaml", ...CALIBRATION_LIBRARIES]);
  });
});
