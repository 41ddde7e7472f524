import type { z } from "zod";
import { type FieldMeta, scenarioFileSchema } from "./schema.ts";

// A scenario field's label, help, kind and fixed choices, read from the schema by its dotted path:
// what the web page's form is generated from.

export interface FieldInfo {
  readonly path: string;
  readonly meta: FieldMeta;
  /** number: a number (or a range or distribution); select: a fixed list or catalog names; text: as typed. */
  readonly kind: "number" | "text" | "select";
  /** The fixed values of an enum, literal or yes/no field (catalog fields get theirs from the catalog). */
  readonly values?: readonly string[];
}

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly unknown[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { def: Def }).def;

/** The schema under optional and default wrappers, and the first metadata found on the way. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; meta: FieldMeta | undefined } {
  let current = schema;
  let meta = current.meta() as FieldMeta | undefined;
  for (let def = defOf(current); (def.type === "optional" || def.type === "default") && def.innerType; ) {
    current = def.innerType;
    meta ??= current.meta() as FieldMeta | undefined;
    def = defOf(current);
  }
  return { inner: current, meta };
}

/** The object a section's fields live in: the section itself, or its object form (beside a preset name). */
function objectShape(schema: z.ZodType): Readonly<Record<string, z.ZodType>> | undefined {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  if (def.type === "object") return def.shape;
  if (def.type === "union") {
    for (const option of def.options ?? []) {
      const shape = objectShape(option);
      if (shape) return shape;
    }
  }
  return undefined;
}

function kindOf(schema: z.ZodType): Pick<FieldInfo, "kind" | "values"> {
  const def = defOf(schema);
  switch (def.type) {
    case "number":
      return { kind: "number" };
    case "boolean":
      return { kind: "select", values: ["true", "false"] };
    case "enum":
      return { kind: "select", values: Object.values(def.entries ?? {}).map(String) };
    case "union": {
      const options = (def.options ?? []).map((option) => unwrap(option).inner);
      // A number or a range of numbers, or a number or a keyword (checkpoint interval): typed as a number.
      if (options.some((option) => defOf(option).type === "number")) return { kind: "number" };
      if (options.every((option) => defOf(option).type === "literal"))
        return {
          kind: "select",
          values: options.flatMap((option) => (defOf(option).values ?? []).map(String)),
        };
      return { kind: "text" };
    }
    default:
      return { kind: "text" };
  }
}

/** The schema of the field at a dotted path as written (optional, default), or undefined for no field. */
function schemaAt(path: string): z.ZodType | undefined {
  let shape: Readonly<Record<string, z.ZodType>> | undefined = scenarioFileSchema.shape;
  let schema: z.ZodType | undefined;
  for (const key of path.split(".")) {
    schema = shape && Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!schema) return undefined;
    shape = objectShape(schema);
  }
  return schema;
}

/** The schema of the field at a dotted path, under its optional and default wrappers (undefined: no field). */
export function fieldSchema(path: string): z.ZodType | undefined {
  const schema = schemaAt(path);
  return schema && unwrap(schema).inner;
}

/** The field at a dotted path of the scenario format (such as `cluster.gpus` or `model.moe.experts`). */
export function fieldInfo(path: string): FieldInfo {
  const schema = schemaAt(path);
  if (!schema) throw new Error(`no scenario field ${path}`);
  const { inner, meta } = unwrap(schema);
  if (!meta) throw new Error(`scenario field ${path} has no label and help in the schema`);
  return { path, meta, ...(meta.catalog ? { kind: "select" as const } : kindOf(inner)) };
}
