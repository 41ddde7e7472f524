import { InputError } from "../errors.ts";

// Dotted paths into a scenario (cluster.gpus, model.moe.experts): the keys they name, never one that
// would reach an object's prototype.

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The keys of a dotted path; `field` names where the path was given, for the message. */
export function pathKeys(path: string, field: string): string[] {
  const keys = path.split(".");
  if (keys.some((key) => key === "" || UNSAFE_KEYS.has(key))) {
    throw new InputError(
      field,
      path,
      "a dotted path of field names (not __proto__, constructor or prototype)",
    );
  }
  return keys;
}
