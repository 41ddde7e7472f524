import { InputError } from "../errors.ts";
import { calibrateFiles, calibrationJson, stackFileYaml } from "../pipeline/calibrate.ts";
import { calibrationReport } from "../report/calibration-report.ts";
import { drawText } from "../report/document.ts";
import { toJson } from "../report/json.ts";
import { type Io, type OutputOptions, progressBar, styleOf, writeUserFile } from "./common.ts";
import { readTextFile } from "./files.ts";

export interface CalibrateOptions extends OutputOptions {
  base?: string;
  out?: string;
  name?: string;
  folds?: string;
}

export function runCalibrate(files: readonly string[], options: CalibrateOptions, io: Io): number {
  const folds = options.folds === undefined ? 5 : Number(options.folds);
  if (!Number.isInteger(folds) || folds < 2 || folds > 20) {
    throw new InputError("--folds", options.folds, "a whole number from 2 to 20");
  }
  const inputs = files.map((name) => ({ name, text: readTextFile(name, "runs file") }));
  const progress = progressBar(options.json, "calibrating");
  const result = calibrateFiles(inputs, {
    date: new Date().toISOString().slice(0, 10),
    folds,
    ...(options.base ? { base: options.base } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(progress ? { onProgress: (fraction: number) => progress(Math.round(fraction * 100), 100) } : {}),
  });
  if (options.out) writeUserFile("--out", options.out, stackFileYaml(result.section));
  if (options.json) io.out(toJson(calibrationJson(result)));
  else {
    const written = options.out
      ? [`Stack file written to ${options.out}: use it with cluster.stack: ${options.out}`]
      : [];
    const report = calibrationReport(result);
    io.out(
      drawText(
        { sections: [...report.sections, ...(written.length ? [{ lines: written }] : [])] },
        styleOf(options),
      ),
    );
  }
  return 0;
}
