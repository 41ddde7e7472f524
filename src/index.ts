// The public API of gigacluster: the scenario format, the stages (build-out, plan, simulate), the
// analyses over them, the reports, the catalog and the validation. The CLI and the web app use only
// what is exported here; `import { ... } from "gigacluster"` gives the same to other projects.

export {
  type CalibrationOptions,
  type CalibrationResult,
  calibrate,
  type PreparedRun,
} from "./calibration/calibrate.ts";
export { parseRunsText, type RawMeasuredRun } from "./calibration/runs-file.ts";
// Catalog: every figure with its source.
export { ACCELERATORS, type Accelerator, type Generation } from "./catalog/accelerators.ts";
export { FAILURE_MIXES, type FailureMix } from "./catalog/failure-mixes.ts";
export {
  HARDWARE_CALIBRATIONS,
  type HardwareCalibration,
  hardwareCalibrationFor,
} from "./catalog/hardware-calibrations.ts";
export { nearestName } from "./catalog/lookup.ts";
export { type CatalogModel, MODELS } from "./catalog/models.ts";
export { NETWORK_GEAR, type NetworkGear } from "./catalog/network-gear.ts";
export { PLATFORMS, type Platform } from "./catalog/platforms.ts";
export { RECOVERY_PRESETS, type RecoveryPractice } from "./catalog/recovery-presets.ts";
export { RENTAL_PRICES, type RentalPrice, rentalPriceFor } from "./catalog/rental-prices.ts";
export { SITES, type Site } from "./catalog/sites.ts";
export type { Source } from "./catalog/source.ts";
export { DEFAULT_STACK, findStack, type SoftwareStack, STACKS } from "./catalog/stacks.ts";
// Errors every stage may throw: bad input (exit 1) and infeasible input (exit 2).
export { InfeasibleError, InputError } from "./errors.ts";
export type { BuildoutResult } from "./facility/buildout.ts";
export { ownedUsdPerUsedGpuHour, ownershipCost } from "./facility/ownership.ts";
export {
  type BuiltPhase,
  type FleetTimeline,
  fleetByQuarter,
  MAX_GROWTH_PHASES,
  MAX_GROWTH_QUARTERS,
  type QuarterRow,
} from "./facility/phases.ts";
export {
  breakEvenUtilization,
  buildVsRent,
  contractHours,
  rentUsd,
  trainingBought,
} from "./facility/rent.ts";
export * from "./limits.ts";
export { type Layout, SEARCHED_LAYOUT_FIELDS } from "./parallel/layout.ts";
export { TIGHT_MEMORY_FRACTION } from "./parallel/memory.ts";
export type { PlanResult } from "./parallel/plan.ts";
export type { RankedLayout } from "./parallel/search.ts";
export { STEP_COMPONENTS } from "./parallel/step-time.ts";
// The stages, in pipeline order, and the analyses over them.
export { type BuildoutReport, buildoutScenario } from "./pipeline/buildout.ts";
export { calibrateFiles, calibrationJson, type InputFile, stackFileYaml } from "./pipeline/calibrate.ts";
export { type ScenarioSummary, summarizeScenario } from "./pipeline/compare.ts";
export { type GrowthReport, type GrowthRunReport, growthScenario } from "./pipeline/growth.ts";
export { planScenario, type ScenarioPlan } from "./pipeline/plan.ts";
export {
  DEMAND_FACTORS,
  type ServeCurves,
  type ServeDemandPoint,
  type ServeFrontierPoint,
  type ServeResult,
  serveCurves,
  serveScenario,
} from "./pipeline/serve.ts";
export { type ServingHeadline, servingHeadline } from "./pipeline/serve-headline.ts";
export {
  scenarioRunModel,
  simulateOnThreads,
  simulateScenario,
  traceScenarioTrial,
  withTrials,
} from "./pipeline/simulate.ts";
export {
  parseVariation,
  type SweepRow,
  sweepOnThreads,
  sweepScenario,
  type Variation,
} from "./pipeline/sweep.ts";
export {
  type UncertaintyResult,
  uncertaintyOf,
  uncertaintyOnThreads,
} from "./pipeline/uncertainty.ts";
export { type MonteCarloResult, type RunModel, simulateTrials } from "./reliability/monte-carlo.ts";
export {
  expectedInterruptionsPerTrial,
  runPercentiles,
  type SimulationResult,
  type TrialChunk,
  traceRun,
  trialChunks,
} from "./reliability/simulate.ts";
export {
  MAX_TIMELINE_SEGMENTS,
  TIMELINE_BINS,
  TIMELINE_KINDS,
  type TimelineBins,
  type TimelineKind,
  type TimelineSegment,
  type TimelineSegmentKind,
  type TrialTimeline,
} from "./reliability/trace.ts";
// Reports: text and Markdown tables, SVG charts, JSON.
export { budgetUsedText, buildoutReport, sizedByText } from "./report/buildout-report.ts";
export { calibrationReport } from "./report/calibration-report.ts";
export {
  CATALOG_SECTIONS,
  type CatalogSection,
  catalogListing,
  catalogReport,
} from "./report/catalog-report.ts";
export { compareReport } from "./report/compare-report.ts";
export {
  drawHtml,
  drawText,
  escapeHtml,
  type Line,
  PLAIN_TEXT,
  type ReportDocument,
  type ReportStyle,
  type Section,
  type Span,
  safeText,
  type Table,
} from "./report/document.ts";
export {
  COST_TERMS,
  MEMORY_TERMS,
  OPEX_TERMS,
  POWER_TERMS,
  RESULT_TERMS,
  RUN_TERMS,
  STEP_TERMS,
  type Term,
  termKeys,
} from "./report/glossary.ts";
export { growthJson, growthReport } from "./report/growth-report.ts";
export {
  buildoutJson,
  infeasiblePlanJson,
  planJson,
  searchJson,
  simulationJson,
  toJson,
  validationJson,
} from "./report/json.ts";
export { layoutLabel, planReport, searchReport } from "./report/plan-report.ts";
export { serveJson, serveReport } from "./report/serve-report.ts";
export { simulationReport } from "./report/simulate-report.ts";
export { sweepCsv } from "./report/sweep-csv.ts";
export { sweepReport } from "./report/sweep-report.ts";
export { uncertaintyReport } from "./report/uncertainty-report.ts";
export { validationReport } from "./report/validate-report.ts";
export { type FieldInfo, fieldInfo } from "./scenario/field-meta.ts";
export { scenarioJsonSchema } from "./scenario/json-schema.ts";
export {
  loadScenario,
  normalizeScenario,
  parseScenarioText,
  type Scenario,
  scenarioAtMedians,
} from "./scenario/normalize.ts";
export { pathKeys } from "./scenario/paths.ts";
export { CHECKPOINT_PRESETS, TRAINING_PRESETS } from "./scenario/presets.ts";
export type { ClusterSize, FacilitySetup } from "./scenario/resolve-facility.ts";
export {
  type GrowthPhaseSetup,
  type GrowthRunSetup,
  type GrowthSetup,
  resolveGrowth,
  withGrowthSize,
} from "./scenario/resolve-growth.ts";
export type { FieldCatalog, FieldMeta } from "./scenario/schema.ts";
export { findUncertain } from "./scenario/uncertain-values.ts";
export {
  type Progress,
  runTask,
  type TaskInput,
  type TaskKind,
  type TaskOutput,
  type Threads,
} from "./tasks.ts";
export {
  formatPercent,
  formatQuantity,
  formatUsd,
  GiB,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
} from "./units.ts";
// Validation against published runs.
export { evaluateAccuracy, totalChecks } from "./validation/accuracy.ts";
export { calibrationHalfSplit, type HalfSplitCheck } from "./validation/calibration-check.ts";
export { accuracyByStack } from "./validation/cross-validation.ts";
export {
  evaluateInferenceAccuracy,
  type InferenceAccuracySummary,
} from "./validation/inference-accuracy.ts";
export { INFERENCE_MEASUREMENTS, INFERENCE_SOURCES } from "./validation/published-inference.ts";
export { type RunModelCheck, runModelChecks } from "./validation/run-model-checks.ts";
