import { publishedRunInput } from "./src/validation/accuracy.ts";
import { PUBLISHED_RUNS } from "./src/validation/published-runs.ts";
import { planLayout } from "./src/parallel/plan.ts";
for (const id of process.argv.slice(2)) {
  const run = PUBLISHED_RUNS.find((r) => r.id === id)!;
  const base = publishedRunInput(run);
  const layout = { tp: 1, pp: 1, cp: 1, dp: run.gpus, ep: 1, microBatch: 1, virtualStages: 1, recompute: "full", zero: 3, sequenceParallel: false, ...run.layout } as any;
  const p = planLayout({ ...base, layout });
  console.log(id, JSON.stringify(layout));
  console.log(" step", p.step.seconds.toFixed(2), JSON.stringify(Object.fromEntries(Object.entries(p.step.breakdown).map(([k, v]) => [k, +(v as number).toFixed(3)]))));
  console.log(" scaleOutGbps", base.cluster.accelerator.scaleOutGbps, "bus", base.cluster.hardware.scaleOutBusFraction, "fabric", JSON.stringify(base.cluster.fabric ?? null));
}
