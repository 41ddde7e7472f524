// JSON output for machines. A non-finite number would be printed as null and hide a bug, so refuse it.

function findNonFinite(value: unknown, path: string): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const found = findNonFinite(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

export function toJson(value: unknown): string {
  const bad = findNonFinite(value, "");
  if (bad) throw new Error(`internal error: ${bad} is not a finite number`);
  return JSON.stringify(value, null, 2);
}
