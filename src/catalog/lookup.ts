import { InputError } from "../errors.ts";

/** Levenshtein distance, for "did you mean" hints on mistyped catalog names. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = candidate.includes(wanted) && wanted.length >= 3 ? 1 : editDistance(wanted, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(3, Math.floor(wanted.length / 3)) ? best : undefined;
}

export function lookup<T extends { readonly name: string }>(
  entries: readonly T[],
  name: string,
  path: string,
  what: string,
): T {
  const found = entries.find((entry) => entry.name === name.toLowerCase());
  if (found) return found;
  const names = entries.map((entry) => entry.name);
  throw new InputError(path, name, `a known ${what} (${names.join(", ")})`, nearestName(name, names));
}
