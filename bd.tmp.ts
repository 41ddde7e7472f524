import { publishedRunInput, publishedStepSeconds } from "./src/validation/accuracy.ts";
import { PUBLISHED_RUNS } from "./src/validation/published-runs.ts";
import { layoutAsRan } from "./src/parallel/search.ts";
for (const id of process.argv.slice(2)) {
  const run = PUBLISHED_RUNS.find((r) => r.id === id)!;
  const base = publishedRunInput(run);
  const { plan: p } = layoutAsRan(base, { pinned: run.layout as any, maxTp: base.cluster.accelerator.scaleUpDomainGpus });
  const l = p.layout;
  console.log(id, `tp${l.tp} pp${l.pp} cp${l.cp} dp${l.dp} mb${l.microBatch} v${l.virtualStages} ${l.recompute} z${l.zero} sp${l.sequenceParallel}`, "gbs", base.training.globalBatchSequences, "seq", base.training.sequenceLength, "prec", base.training.precision, "stack", base.cluster.stack.name);
  console.log(" pub", publishedStepSeconds(run, l.recompute).toFixed(2), "ours", p.step.seconds.toFixed(2), JSON.stringify(Object.fromEntries(Object.entries(p.step.breakdown).filter(([, v]) => (v as number) > 0).map(([k, v]) => [k, +(v as number).toFixed(3)]))));
}
