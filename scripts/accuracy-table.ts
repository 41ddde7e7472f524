import { evaluateAccuracy } from "../src/validation/accuracy.ts";

const summary = evaluateAccuracy();
for (const r of summary.runs) {
  const l = r.plan.layout;
  const b = r.plan.step.breakdown;
  console.log(
    r.run.id.padEnd(34),
    r.publishedStepSeconds.toFixed(2).padStart(8),
    r.predictedStepSeconds.toFixed(2).padStart(8),
    `${(r.stepError * 100).toFixed(1)}%`.padStart(7),
    `mb${l.microBatch} v${l.virtualStages} ${l.recompute} sp${l.sequenceParallel ? 1 : 0} z${l.zero}`,
    `mm ${((b.matmul / b.total) * 100).toFixed(0)} att ${((b.attention / b.total) * 100).toFixed(0)} el ${((b.elementwise / b.total) * 100).toFixed(0)} rc ${((b.recompute / b.total) * 100).toFixed(0)} tp ${((b.tensorParallelComm / b.total) * 100).toFixed(0)} bub ${((b.pipelineBubble / b.total) * 100).toFixed(0)} dp ${((b.dataParallelComm / b.total) * 100).toFixed(0)} opt ${((b.optimizer / b.total) * 100).toFixed(0)} pp ${((b.pipelineComm / b.total) * 100).toFixed(0)} out ${((b.outputLayer / b.total) * 100).toFixed(0)}`,
    r.memory
      ? `mem ${r.memory.predictedModelStatesGiB.toFixed(1)}/${r.memory.modelStatesGiB} act ${r.memory.predictedActivationsGiB.toFixed(1)}/${r.memory.activationsGiB}`
      : "",
  );
}
console.log(
  `MAE ${(summary.meanAbsoluteStepError * 100).toFixed(2)}%  max ${(summary.maxAbsoluteStepError * 100).toFixed(1)}%  within10 ${summary.within10Percent}/${summary.runs.length}`,
);
