import { stringify } from "yaml";
import { type CalibrationOptions, type CalibrationResult, calibrate } from "../calibration/calibrate.ts";
import { isMeasurementFile, readMeasurements } from "../calibration/measurements.ts";
import { parseRunsText, type RawMeasuredRun } from "../calibration/runs-file.ts";
import type { Accelerator } from "../catalog/accelerators.ts";
import type { HardwareCalibration } from "../catalog/hardware-calibrations.ts";
import { hardwareCalibrationFor } from "../catalog/hardware-calibrations.ts";
import { InputError } from "../errors.ts";
import type { StackSection } from "../scenario/resolve-stack.ts";

// `gigacluster calibrate FILES`: runs files (YAML/JSON lists or CSV) and measurement files of
// tools/measure/measure.py, read into one set of runs and measured constants, then fitted.

export interface InputFile {
  readonly name: string;
  readonly text: string;
}

function asJsonObject(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

export function calibrateFiles(
  files: readonly InputFile[],
  options: Omit<CalibrationOptions, "measuredHardware" | "measuredFrom">,
): CalibrationResult {
  const runs: RawMeasuredRun[] = [];
  let measuredHardware: Partial<HardwareCalibration> = {};
  let measuredFrom: Record<string, string> = {};
  let accelerator: Accelerator | undefined;
  for (const file of files) {
    const json = asJsonObject(file.text);
    try {
      if (isMeasurementFile(json)) {
        const measurements = readMeasurements(json, (a) => hardwareCalibrationFor(a.generation));
        measuredHardware = { ...measuredHardware, ...measurements.hardware };
        accelerator = measurements.accelerator;
        measuredFrom = {
          ...measuredFrom,
          ...Object.fromEntries(
            Object.entries(measurements.measuredFrom).map(([k, v]) => [k, `${v} (${file.name})`]),
          ),
        };
        runs.push(...measurements.runs);
      } else {
        runs.push(...parseRunsText(file.text, file.name));
      }
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(`${file.name}: ${error.path}`, error.value, error.expected, error.suggestion);
    }
  }
  if (runs.length === 0 && Object.keys(measuredHardware).length === 0) {
    throw new InputError(
      "FILES",
      files.map((f) => f.name).join(" "),
      "at least one measured run (a runs file, or mini_runs)",
    );
  }
  return calibrate(runs, {
    ...options,
    measuredHardware,
    measuredFrom,
    ...(accelerator ? { accelerator } : {}),
  });
}

/** The stack file as YAML, with a header saying where it came from and how to use it. */
export function stackFileYaml(section: StackSection): string {
  return `# Written by gigacluster calibrate. Use it with cluster.stack: ./<this file> in a scenario.\n${stringify(section, { lineWidth: 100 })}`;
}

/** JSON of a calibration: the report's figures, and the stack file's section. */
export function calibrationJson(result: CalibrationResult) {
  return {
    baseStack: result.baseStack,
    accelerator: result.accelerator,
    meanAbsoluteErrorBefore: result.meanAbsoluteErrorBefore,
    meanAbsoluteErrorAfter: result.meanAbsoluteErrorAfter,
    crossValidation: result.crossValidation ?? null,
    memory: result.memory ?? null,
    constants: result.constants.map((fit) => ({
      name: fit.constant.name,
      section: fit.constant.section,
      base: fit.base,
      value: fit.value,
      min: fit.constant.min,
      max: fit.constant.max,
      determined: fit.determined,
      sensitivity: fit.sensitivity,
      ...(fit.measured ? { measured: fit.measured } : {}),
    })),
    runs: result.runs,
    stack: result.section,
  };
}
