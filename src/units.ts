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

/**
 * `value` with `digits` decimals, the whole part grouped by thousands (1,234.5), as
 * toLocaleString("en-US") writes it: rounded half away from zero on the shortest decimal that reads
 * back as the number. Written out because the first use of Intl's number formatting costs a command
 * 15-30 ms of start-up (ICU's locale data). `trim` drops trailing zeros, as maximumFractionDigits does.
 */
export function formatGrouped(value: number, digits = 0, trim = false): string {
  if (!Number.isFinite(value)) return String(value);
  const negative = value < 0 || Object.is(value, -0);
  const [whole = "0", fraction = ""] = plainDecimal(Math.abs(value)).split(".");
  let kept = whole + (fraction + "0".repeat(digits)).slice(0, digits);
  if ((fraction[digits] ?? "0") >= "5") {
    // Carry the rounding up through the digits.
    const chars = kept.split("");
    let i = chars.length - 1;
    while (i >= 0 && chars[i] === "9") chars[i--] = "0";
    if (i >= 0) chars[i] = String(Number(chars[i]) + 1);
    else chars.unshift("1");
    kept = chars.join("");
  }
  const wholeLength = kept.length - digits;
  let text = digits > 0 ? `${kept.slice(0, wholeLength)}.${kept.slice(wholeLength)}` : kept;
  if (trim && text.includes(".")) text = text.replace(/\.?0+$/, "");
  const [wholeOut = "0", fractionOut] = text.split(".");
  const grouped = wholeOut.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${negative ? "-" : ""}${grouped}${fractionOut === undefined ? "" : `.${fractionOut}`}`;
}

/** The shortest decimal that reads back as `value` (>= 0), without an exponent: 1e-7 as 0.0000001. */
function plainDecimal(value: number): string {
  const shortest = String(value);
  const [mantissa = "0", exponentText] = shortest.split("e");
  if (exponentText === undefined) return shortest;
  const exponent = Number(exponentText);
  const [head = "0", tail = ""] = mantissa.split(".");
  const digits = head + tail;
  const point = head.length + exponent;
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  return point >= digits.length
    ? digits + "0".repeat(point - digits.length)
    : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A number as toLocaleString("en-US") writes it by default: grouped, at most 3 decimals. */
export function formatNumber(value: number): string {
  return formatGrouped(value, 3, true);
}

/** Dollars with the scale a reader expects: $1.77 B, $53.2 M, $310,000. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return "n/a";
  if (Math.abs(usd) >= 1e9) return `$${(usd / 1e9).toFixed(2)} B`;
  if (Math.abs(usd) >= 1e6) return `$${(usd / 1e6).toFixed(1)} M`;
  return `$${formatGrouped(Math.round(usd))}`;
}

/** A quantity of any size: billions and millions scaled, smaller values with the digits that matter. */
export function formatQuantity(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)} B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  return formatGrouped(value, abs >= 100 ? 0 : abs >= 1 ? 2 : 4, true);
}

export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return "n/a";
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Hours in a (365-day) year. */
export const HOURS_PER_YEAR = 8760;
