// SI inside, unit-suffixed names at the boundaries. Keep decimal (GB) and binary (GiB) apart.

export const GiB = 1024 ** 3;

export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86400;

/** A link rate in gigabits per second, as vendors quote NICs and switch ports, to bytes per second. */
export function gbpsToBytesPerSecond(gbps: number): number {
  return (gbps * 1e9) / 8;
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "n/a";
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(1)} us`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(1)} ms`;
  if (seconds < 120) return `${seconds.toFixed(2)} s`;
  if (seconds < 2 * 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** Dollars with the scale a reader expects: $1.77 B, $53.2 M, $310,000. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return "n/a";
  if (Math.abs(usd) >= 1e9) return `$${(usd / 1e9).toFixed(2)} B`;
  if (Math.abs(usd) >= 1e6) return `$${(usd / 1e6).toFixed(1)} M`;
  return `$${Math.round(usd).toLocaleString("en-US")}`;
}

/** A quantity of any size: billions and millions scaled, smaller values with the digits that matter. */
export function formatQuantity(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  return value.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
}

export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return "n/a";
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Hours in a (365-day) year. */
export const HOURS_PER_YEAR = 8760;
