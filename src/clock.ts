// Milliseconds from a monotonic clock, in Node and in browsers alike, without either's typings.
declare const performance: { now(): number };

export function nowMilliseconds(): number {
  return performance.now();
}
