// The expected run time in closed form (Daly 2006): exponential failures that can also strike during
// checkpoint writes and recoveries, each costing a recovery R and the segment in progress.

export interface AnalyticInput {
  readonly workSeconds: number;
  readonly intervalSeconds: number;
  readonly checkpointSeconds: number;
  readonly mtbfSeconds: number;
  readonly recoverySeconds: number;
}

export function expectedWallSeconds(input: AnalyticInput): number {
  const {
    workSeconds: w,
    intervalSeconds: tau,
    checkpointSeconds: delta,
    mtbfSeconds: m,
    recoverySeconds: r,
  } = input;
  if (!Number.isFinite(m)) return w + Math.max(0, Math.ceil(w / tau) - 1) * delta;
  const fullCycles = Math.max(0, Math.ceil(w / tau) - 1);
  const last = w - fullCycles * tau;
  const segment = (length: number) => m * Math.exp(r / m) * (Math.exp(length / m) - 1);
  return fullCycles * segment(tau + delta) + segment(last);
}
