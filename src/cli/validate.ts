import { drawText } from "../report/document.ts";
import { toJson, validationJson } from "../report/json.ts";
import { validationReport } from "../report/validate-report.ts";
import { evaluateAccuracy } from "../validation/accuracy.ts";
import { calibrationHalfSplit } from "../validation/calibration-check.ts";
import { accuracyByStack } from "../validation/cross-validation.ts";
import { evaluateInferenceAccuracy } from "../validation/inference-accuracy.ts";
import { runModelChecks } from "../validation/run-model-checks.ts";
import { type Io, type OutputOptions, styleOf } from "./common.ts";

export function runValidate(options: OutputOptions, io: Io): number {
  const summary = evaluateAccuracy();
  const byStack = accuracyByStack(summary);
  const halfSplit = calibrationHalfSplit();
  const serving = evaluateInferenceAccuracy();
  const runModel = runModelChecks();
  io.out(
    options.json
      ? toJson(validationJson(summary, byStack, halfSplit, serving, runModel))
      : drawText(validationReport(summary, byStack, halfSplit, serving, runModel), styleOf(options)),
  );
  return 0;
}
