import { levenbergMarquardt } from "ml-levenberg-marquardt";
import type { Accelerator } from "../catalog/accelerators.ts";
import { type HardwareCalibration, hardwareCalibrationFor } from "../catalog/hardware-calibrations.ts";
import { TUNABLE_CONSTANTS, type TunableConstant } from "../catalog/stack-constants.ts";
import { DEFAULT_STACK, type SoftwareStack } from "../catalog/stacks.ts";
import { InfeasibleError, InputError } from "../errors.ts";
import type { Layout } from "../parallel/layout.ts";
import { type PlanResult, planLayout, stepSecondsOf } from "../parallel/plan.ts";
import type { PlanInput } from "../parallel/plan-input.ts";
import { layoutAsRan, type SearchConstraints } from "../parallel/search.ts";
import { STEP_COMPONENTS, type StepComponent } from "../parallel/step-time.ts";
import { buildoutScenario, jobGpus } from "../pipeline/buildout.ts";
import { normalizeScenario, type Scenario } from "../scenario/normalize.ts";
import { catalogStack, type StackSection } from "../scenario/resolve-stack.ts";
import type { RawMeasuredRun } from "./runs-file.ts";

// `gigacluster calibrate`: the stack's free constants fitted to a user's measured runs by bounded,
// regularised least squares on log error (Levenberg-Marquardt), each constant kept in its physical
// bounds (catalog/stack-constants.ts) and pulled gently towards the base stack's value, so constants
// the runs say little about stay where they were. Constants the runs do not move at all are flagged
// and left at the base value. k-fold cross-validation says what to expect on runs not measured.

/** A measured run made ready to plan: its cluster, the layout it ran (open fields searched), what was measured. */
export interface PreparedRun {
  readonly id: string;
  readonly base: Omit<PlanInput, "layout">;
  readonly layout: Layout;
  readonly stepSeconds?: number;
  readonly peakMemoryBytes?: number;
  readonly oom?: boolean;
  /** The model found no layout that fits, though the job ran: planned at the closest layout. */
  readonly modelSaysOutOfMemory: boolean;
}

export interface Constants {
  readonly stack: SoftwareStack;
  readonly hardware: HardwareCalibration;
}

export interface ConstantFit {
  readonly constant: TunableConstant;
  readonly base: number;
  readonly value: number;
  /** false: moving it across its bounds changes the predictions by less than MIN_SENSITIVITY. */
  readonly determined: boolean;
  /** RMS change of the log predictions per unit move across the bounds (0 to 1). */
  readonly sensitivity: number;
  /** Measured directly (kernel or collective benchmarks), not fitted. */
  readonly measured?: string;
}

export interface RunFit {
  readonly id: string;
  readonly layout: Layout;
  readonly measuredStepSeconds?: number;
  readonly beforeStepSeconds: number;
  readonly afterStepSeconds: number;
  /** predicted / measured - 1. */
  readonly errorBefore?: number;
  readonly errorAfter?: number;
  readonly measuredPeakMemoryBytes?: number;
  readonly afterPeakMemoryBytes: number;
  readonly measuredOom?: boolean;
  readonly afterVerdict: PlanResult["memory"]["verdict"];
  /** The breakdown's largest term after the fit: where a remaining error most likely sits. */
  readonly largestTerm: StepComponent;
  readonly modelSaysOutOfMemory: boolean;
}

export interface CalibrationResult {
  readonly baseStack: string;
  readonly accelerator: string;
  readonly runs: readonly RunFit[];
  readonly constants: readonly ConstantFit[];
  readonly meanAbsoluteErrorBefore: number;
  readonly meanAbsoluteErrorAfter: number;
  /** Held-out error with constants fitted on the other folds, and the base stack's on the same runs. */
  readonly crossValidation?: {
    readonly folds: number;
    readonly meanAbsoluteErrorBefore: number;
    readonly meanAbsoluteErrorAfter: number;
  };
  readonly memory?: { readonly meanAbsoluteErrorBefore: number; readonly meanAbsoluteErrorAfter: number };
  /** The stack file to write: the base stack with the determined constants. */
  readonly section: StackSection;
}

export interface CalibrationOptions {
  /** Catalog stack to start from; default: the stack the runs name (all the same), else megatron-core. */
  readonly base?: string;
  readonly name?: string;
  readonly folds?: number;
  /** ISO date for the stack file. */
  readonly date: string;
  /** Hardware constants measured directly, with what they came from (measurement files). */
  readonly measuredHardware?: Partial<HardwareCalibration>;
  readonly measuredFrom?: Readonly<Record<string, string>>;
  readonly onProgress?: (fraction: number) => void;
  /** The measured accelerator, for a calibration from kernel measurements alone (no runs). */
  readonly accelerator?: Accelerator;
}

/** Below this RMS log change per full move across the bounds, the runs do not determine a constant. */
export const MIN_SENSITIVITY = 0.01;
/**
 * Weight of the pull to the base value, in log-error units per full move across the bounds. Chosen by
 * `validate`'s half-split check (fit half of a stack's published runs, predict the other half): 0.01,
 * 0.1, 0.3 and 1 beat the catalog on both reference stacks there (0.03 fell into a worse local minimum on
 * megatron-lm-2021); 0.1 pulls enough to keep a fit on a few runs stable.
 */
export const REGULARIZATION = 0.1;
/** Runs further off than this after the fit are listed with their largest term. */
export const OFF_THRESHOLD = 0.15;

function toUnit(c: TunableConstant, value: number): number {
  const u = c.logScale
    ? Math.log(value / c.min) / Math.log(c.max / c.min)
    : (value - c.min) / (c.max - c.min);
  return Math.min(1, Math.max(0, u));
}

function fromUnit(c: TunableConstant, u: number): number {
  const clamped = Math.min(1, Math.max(0, u));
  return c.logScale ? c.min * (c.max / c.min) ** clamped : c.min + clamped * (c.max - c.min);
}

function constantValue(constants: Constants, c: TunableConstant): number {
  const holder = (c.section === "stack" ? constants.stack : constants.hardware) as unknown as Record<
    string,
    number
  >;
  return holder[c.name] as number;
}

function withValues(base: Constants, free: readonly TunableConstant[], values: readonly number[]): Constants {
  const stack: Record<string, unknown> = { ...base.stack };
  const hardware: Record<string, unknown> = { ...base.hardware };
  free.forEach((c, i) => {
    (c.section === "stack" ? stack : hardware)[c.name] = values[i];
  });
  return { stack: stack as unknown as SoftwareStack, hardware: hardware as unknown as HardwareCalibration };
}

/** predicted / measured - 1 on step time, or undefined for a run without a measured time. */
export function stepError(run: PreparedRun, constants: Constants): number | undefined {
  return run.stepSeconds === undefined
    ? undefined
    : stepSecondsOf(withConstants(run, constants)) / run.stepSeconds - 1;
}

function withConstants(run: PreparedRun, constants: Constants): PlanInput {
  return { ...run.base, cluster: { ...run.base.cluster, ...constants }, layout: run.layout };
}

/** Log errors of step time (and of peak memory where measured): the residuals the fit minimises. */
function residuals(runs: readonly PreparedRun[], constants: Constants): number[] {
  const out: number[] = [];
  for (const run of runs) {
    const input = withConstants(run, constants);
    if (run.peakMemoryBytes === undefined) {
      // The step alone: a fit prices each run a few hundred times.
      if (run.stepSeconds !== undefined) out.push(Math.log(stepSecondsOf(input) / run.stepSeconds));
      continue;
    }
    const result = planLayout(input);
    if (run.stepSeconds !== undefined) out.push(Math.log(result.step.seconds / run.stepSeconds));
    out.push(Math.log(result.memory.perGpuBytes.total / run.peakMemoryBytes));
  }
  return out;
}

const rms = (values: readonly number[]) =>
  values.length === 0 ? 0 : Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);

/** How much each constant moves the predictions: finite difference of a tenth of its range. */
function sensitivities(
  runs: readonly PreparedRun[],
  base: Constants,
  free: readonly TunableConstant[],
): number[] {
  const at = residuals(runs, base);
  return free.map((c) => {
    const u = toUnit(c, constantValue(base, c));
    const step = u > 0.5 ? -0.1 : 0.1;
    const moved = residuals(runs, withValues(base, [c], [fromUnit(c, u + step)]));
    return rms(moved.map((r, i) => r - (at[i] ?? 0))) / Math.abs(step);
  });
}

interface Fitted {
  readonly constants: Constants;
  readonly fits: readonly ConstantFit[];
}

/** The fit proper: the determined constants by bounded, regularised Levenberg-Marquardt. */
export function fitConstants(
  runs: readonly PreparedRun[],
  base: Constants,
  candidates: readonly TunableConstant[],
): Fitted {
  const sensitivity = sensitivities(runs, base, candidates);
  const free = candidates.filter((_, i) => (sensitivity[i] ?? 0) >= MIN_SENSITIVITY);
  const start = free.map((c) => toUnit(c, constantValue(base, c)));
  let values = free.map((c) => constantValue(base, c));
  if (free.length > 0) {
    // One residual vector per parameter set, shared by the per-index calls the solver makes (compared
    // value by value: the solver asks once per residual, and writing the key as text cost more).
    let cachedAt: number[] = [];
    let cached: number[] = [];
    const vector = (u: number[]) => {
      if (u.length !== cachedAt.length || u.some((ui, i) => ui !== cachedAt[i])) {
        const fitted = withValues(
          base,
          free,
          free.map((c, i) => fromUnit(c, u[i] ?? 0)),
        );
        cached = [
          ...residuals(runs, fitted),
          ...u.map((ui, i) => Math.sqrt(REGULARIZATION) * (ui - (start[i] ?? 0))),
        ];
        cachedAt = [...u];
      }
      return cached;
    };
    const count = vector(start).length;
    const result = levenbergMarquardt(
      { x: Array.from({ length: count }, (_, i) => i), y: new Array<number>(count).fill(0) },
      (u: number[]) => (i: number) => vector(u)[i] ?? 0,
      {
        initialValues: start,
        minValues: free.map(() => 0),
        maxValues: free.map(() => 1),
        damping: 0.1,
        gradientDifference: 1e-3,
        maxIterations: 60,
        errorTolerance: 1e-12,
      },
    );
    values = free.map((c, i) => fromUnit(c, result.parameterValues[i] ?? 0));
  }
  const constants = withValues(base, free, values);
  const fits = candidates.map((c, i) => ({
    constant: c,
    base: constantValue(base, c),
    value: constantValue(constants, c),
    determined: free.includes(c),
    sensitivity: sensitivity[i] ?? 0,
  }));
  return { constants, fits };
}

/** Where an input error in a run's scenario sits in the runs file. */
function inRun(where: string, error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  const path = error.path === "" ? where : `${where}.${error.path}`;
  return new InputError(path, error.value, error.expected, error.suggestion);
}

/** Normalizes each run's scenario and finds the layout it ran, with the base stack's constants. */
export function prepareRuns(raw: readonly RawMeasuredRun[], options: Pick<CalibrationOptions, "base">) {
  const scenarios: { run: RawMeasuredRun; scenario: Scenario }[] = raw.map((run) => {
    try {
      const scenario = normalizeScenario(run.scenario);
      if (!scenario.model || !scenario.training || !scenario.search) {
        throw new InputError("model", undefined, "a model and a training section in every measured run");
      }
      return { run, scenario };
    } catch (error) {
      throw inRun(run.where, error);
    }
  });
  const generations = new Set(scenarios.map((s) => s.scenario.cluster.accelerator.generation));
  if (generations.size > 1) {
    throw new InputError(
      "runs",
      [...generations].join(", "),
      "runs on one accelerator generation (calibrate one cluster at a time)",
    );
  }
  const named = new Set(
    scenarios.map((s) => s.scenario.cluster.stack.basedOn ?? s.scenario.cluster.stack.name),
  );
  if (options.base === undefined && named.size > 1) {
    throw new InputError("cluster.stack", [...named].join(", "), "one stack in every run, or --base STACK");
  }
  const stack = catalogStack(
    options.base ?? [...named][0] ?? "megatron-core",
    options.base ? "--base" : "cluster.stack",
  );
  const hardware = scenarios[0]?.scenario.cluster.hardware;
  if (!hardware) throw new InputError("runs", 0, "at least one measured run");
  const base: Constants = { stack, hardware };
  const prepared = scenarios.map(({ run, scenario }): PreparedRun => {
    const built = buildoutScenario(scenario.facility);
    const input = {
      model: scenario.model as NonNullable<Scenario["model"]>,
      training: scenario.training as NonNullable<Scenario["training"]>,
      cluster: {
        ...scenario.cluster,
        ...base,
        gpus: jobGpus(scenario.facility, built),
        fabric: built.result.network,
      },
    };
    const search = scenario.search as SearchConstraints;
    const { measured } = run;
    const tokens = input.training.globalBatchSequences * input.training.sequenceLength;
    const stepSeconds =
      measured.stepSeconds ??
      (measured.tokensPerSecond !== undefined ? tokens / measured.tokensPerSecond : undefined) ??
      (measured.tokensPerSecondPerGpu !== undefined
        ? tokens / (measured.tokensPerSecondPerGpu * input.cluster.gpus)
        : undefined);
    let found: { plan: PlanResult; fits: boolean };
    try {
      found = layoutAsRan(input, search);
    } catch (error) {
      throw inRun(
        run.where,
        error instanceof InfeasibleError ? new InputError("layout", undefined, error.message) : error,
      );
    }
    return {
      id: run.id,
      base: input,
      layout: found.plan.layout,
      modelSaysOutOfMemory: !found.fits,
      ...(stepSeconds !== undefined && measured.oom !== true ? { stepSeconds } : {}),
      ...(run.peakMemoryBytes !== undefined ? { peakMemoryBytes: run.peakMemoryBytes } : {}),
      ...(measured.oom !== undefined ? { oom: measured.oom } : {}),
    };
  });
  return { runs: prepared, base };
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

function largestTerm(result: PlanResult): StepComponent {
  let best: StepComponent = STEP_COMPONENTS[0];
  for (const term of STEP_COMPONENTS)
    if (result.step.breakdown[term] > result.step.breakdown[best]) best = term;
  return best;
}

/** Fits the stack to the runs and cross-validates the fit. */
export function calibrate(raw: readonly RawMeasuredRun[], options: CalibrationOptions): CalibrationResult {
  const { runs, base: catalogBase } =
    raw.length === 0 && options.accelerator
      ? {
          runs: [],
          base: {
            stack: catalogStack(options.base ?? DEFAULT_STACK.name, "--base"),
            hardware: hardwareCalibrationFor(options.accelerator.generation),
          },
        }
      : prepareRuns(raw, options);
  const base: Constants = {
    stack: catalogBase.stack,
    hardware: { ...catalogBase.hardware, ...options.measuredHardware },
  };
  const measuredNames = new Set(Object.keys(options.measuredHardware ?? {}));
  const candidates = TUNABLE_CONSTANTS.filter((c) => !measuredNames.has(c.name));
  const timed = runs.filter((r) => r.stepSeconds !== undefined);
  const folds = Math.min(options.folds ?? 5, timed.length);
  const steps = 1 + (folds >= 2 ? folds : 0);
  const fitted = fitConstants(runs, base, candidates);
  options.onProgress?.(1 / steps);

  let crossValidation: CalibrationResult["crossValidation"];
  if (folds >= 2) {
    const before: number[] = [];
    const after: number[] = [];
    for (let fold = 0; fold < folds; fold++) {
      // Runs are dealt to folds in file order (i mod k), so each fold spans the file's sizes.
      const held = runs.filter((_, i) => i % folds === fold);
      const kept = runs.filter((_, i) => i % folds !== fold);
      const constants = fitConstants(kept, base, candidates).constants;
      for (const run of held) {
        const b = stepError(run, base);
        const a = stepError(run, constants);
        if (b !== undefined && a !== undefined) {
          before.push(Math.abs(b));
          after.push(Math.abs(a));
        }
      }
      options.onProgress?.((fold + 2) / steps);
    }
    crossValidation = { folds, meanAbsoluteErrorBefore: mean(before), meanAbsoluteErrorAfter: mean(after) };
  }

  const runFits = runs.map((run): RunFit => {
    const before = planLayout(withConstants(run, base));
    const after = planLayout(withConstants(run, fitted.constants));
    const errorBefore = stepError(run, base);
    const errorAfter = stepError(run, fitted.constants);
    return {
      id: run.id,
      layout: run.layout,
      beforeStepSeconds: before.step.seconds,
      afterStepSeconds: after.step.seconds,
      afterPeakMemoryBytes: after.memory.perGpuBytes.total,
      afterVerdict: after.memory.verdict,
      largestTerm: largestTerm(after),
      modelSaysOutOfMemory: run.modelSaysOutOfMemory,
      ...(run.stepSeconds !== undefined ? { measuredStepSeconds: run.stepSeconds } : {}),
      ...(errorBefore !== undefined ? { errorBefore } : {}),
      ...(errorAfter !== undefined ? { errorAfter } : {}),
      ...(run.peakMemoryBytes !== undefined ? { measuredPeakMemoryBytes: run.peakMemoryBytes } : {}),
      ...(run.oom !== undefined ? { measuredOom: run.oom } : {}),
    };
  });
  const withMemory = runs.filter((r) => r.peakMemoryBytes !== undefined);
  const memoryError = (constants: Constants) =>
    mean(
      withMemory.map((r) =>
        Math.abs(
          planLayout(withConstants(r, constants)).memory.perGpuBytes.total / (r.peakMemoryBytes ?? 1) - 1,
        ),
      ),
    );
  const constants: ConstantFit[] = [
    ...TUNABLE_CONSTANTS.filter((c) => measuredNames.has(c.name)).map((c) => ({
      constant: c,
      base: constantValue(catalogBase, c),
      value: constantValue(base, c),
      determined: true,
      sensitivity: 0,
      measured: options.measuredFrom?.[c.name] ?? "measured",
    })),
    ...fitted.fits,
  ];
  const result = {
    baseStack: catalogBase.stack.name,
    accelerator: runs[0]?.base.cluster.accelerator.name ?? options.accelerator?.name ?? "",
    runs: runFits,
    constants,
    meanAbsoluteErrorBefore: mean(
      runFits.flatMap((r) => (r.errorBefore === undefined ? [] : [Math.abs(r.errorBefore)])),
    ),
    meanAbsoluteErrorAfter: mean(
      runFits.flatMap((r) => (r.errorAfter === undefined ? [] : [Math.abs(r.errorAfter)])),
    ),
    ...(crossValidation ? { crossValidation } : {}),
    ...(withMemory.length > 0
      ? {
          memory: {
            meanAbsoluteErrorBefore: memoryError(base),
            meanAbsoluteErrorAfter: memoryError(fitted.constants),
          },
        }
      : {}),
  };
  return { ...result, section: stackSection(result, options) };
}

const round = (value: number) => Number(value.toPrecision(4));

/** The stack file: the base stack named, the determined and measured constants, and how they were fitted. */
function stackSection(result: Omit<CalibrationResult, "section">, options: CalibrationOptions): StackSection {
  const stack: Record<string, number> = {};
  const hardware: Record<string, unknown> = {};
  for (const fit of result.constants) {
    if (!fit.determined) continue;
    (fit.constant.section === "stack" ? stack : hardware)[fit.constant.name] = round(fit.value);
  }
  for (const curve of ["gemm", "flashAttention"] as const) {
    const measured = options.measuredHardware?.[curve];
    if (measured)
      hardware[curve] = Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, round(v)]));
  }
  const timed = result.runs.filter((r) => r.measuredStepSeconds !== undefined).length;
  return {
    name: options.name ?? `${result.baseStack}-calibrated`,
    basedOn: result.baseStack,
    description: `${result.baseStack} calibrated on ${timed} measured runs on ${result.accelerator}`,
    ...stack,
    ...(Object.keys(hardware).length > 0 ? { hardware } : {}),
    calibration: {
      date: options.date,
      runs: result.runs.length,
      runIds: result.runs.map((r) => r.id),
      meanAbsoluteErrorBefore: round(result.meanAbsoluteErrorBefore),
      meanAbsoluteError: round(result.meanAbsoluteErrorAfter),
      ...(result.crossValidation
        ? {
            crossValidatedError: round(result.crossValidation.meanAbsoluteErrorAfter),
            folds: result.crossValidation.folds,
          }
        : {}),
      constants: Object.fromEntries(
        result.constants.map((fit) => [
          fit.constant.name,
          {
            base: round(fit.base),
            value: round(fit.value),
            min: fit.constant.min,
            max: fit.constant.max,
            determined: fit.determined,
          },
        ]),
      ),
    },
  } as StackSection;
}
