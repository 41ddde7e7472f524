// Plans and simulates off the page's thread, so typing never waits for a search or a Monte Carlo. The
// page runs two of these: one for plans (quick), one for runs, sweeps and samples (long, cancellable),
// and a third, started on first use, for fitting a stack to measured runs (calibrate). A long run's
// trials, a sweep's points and an analysis' samples go to workers of its own (task-pool.ts).
import {
  buildoutScenario,
  type CalibrationResult,
  calibrateFiles,
  growthScenario,
  InfeasibleError,
  InputError,
  type InputFile,
  parseVariation,
  planScenario,
  resolveGrowth,
  type ScenarioPlan,
  type ServeCurves,
  type ServeResult,
  scenarioAtMedians,
  serveCurves,
  serveScenario,
  simulateOnThreads,
  stackFileYaml,
  summarizeScenario,
  sweepOnThreads,
  traceScenarioTrial,
  uncertaintyOnThreads,
  withGrowthSize,
  withTrials,
} from "../../src/index.ts";
import { askWorkers, pageThreads } from "./task-pool.ts";

export type JobRequest =
  | { readonly kind: "plan"; readonly scenario: unknown }
  /** A scenario without a model: the build-out of its site, budget or power envelope alone. */
  | { readonly kind: "buildout"; readonly scenario: unknown }
  /** The run of a plan this page already has. */
  | { readonly kind: "run"; readonly scenario: unknown; readonly plan: ScenarioPlan }
  | { readonly kind: "uncertainty"; readonly scenario: unknown }
  /** A scenario's serve section: the replica, the fleet and the charts' curves, as `gigacluster serve FILE`. */
  | { readonly kind: "serve"; readonly scenario: unknown }
  /** A scenario's growth section: the fleet quarter by quarter and its runs, as `gigacluster growth FILE`. */
  | { readonly kind: "growth"; readonly scenario: unknown }
  /** One field over `spec`: `low..high`, `low..high:points` or `a,b,c`, as the CLI's --vary. */
  | { readonly kind: "sweep"; readonly scenario: unknown; readonly path: string; readonly spec: string }
  | { readonly kind: "compare"; readonly a: unknown; readonly b: unknown }
  /** Runs files and measurement files fitted into a stack section, as `gigacluster calibrate FILES`. */
  | {
      readonly kind: "calibrate";
      readonly files: readonly InputFile[];
      /** ISO date written in the stack file. */
      readonly date: string;
      readonly name?: string;
    };

/** A serving plan and the curves its charts draw. */
export interface Served {
  readonly result: ServeResult;
  readonly curves: ServeCurves;
}

/** A calibration and its stack file's text. */
export interface Calibrated {
  readonly result: CalibrationResult;
  readonly stackFile: string;
}

export type JobReply =
  | { readonly id: number; readonly progress: number }
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly path: string; readonly message: string };
    };

/** Trials of each side of a comparison: enough for a P50. */
const COMPARE_TRIALS = 200;

async function perform(request: JobRequest, progress: (fraction: number) => void): Promise<unknown> {
  switch (request.kind) {
    case "plan":
      return planScenario(scenarioAtMedians(request.scenario), progress);
    case "buildout":
      return buildoutScenario(scenarioAtMedians(request.scenario).facility);
    case "run": {
      // The Monte Carlo (a long one over several workers: the same bytes), and its first trial traced
      // as a timeline (the same trial, not another draw).
      const scenario = scenarioAtMedians(request.scenario);
      return {
        run: await simulateOnThreads(pageThreads(), scenario, request.plan, (done, total) =>
          progress(done / total),
        ),
        timeline: traceScenarioTrial(scenario, request.plan),
      };
    }
    case "serve": {
      const scenario = scenarioAtMedians(request.scenario);
      const result = serveScenario(scenario);
      return { result, curves: serveCurves(scenario, result) } satisfies Served;
    }
    case "growth": {
      // As the CLI: the first phase sizes the scenario's cluster when the file sizes none.
      const raw = withGrowthSize(request.scenario);
      const scenario = scenarioAtMedians(raw);
      return growthScenario(scenario, resolveGrowth(raw, scenario));
    }
    case "uncertainty":
      return uncertaintyOnThreads(pageThreads(), request.scenario, (done, total) => progress(done / total));
    case "sweep": {
      const variations = [parseVariation(`${request.path}=${request.spec}`)];
      const rows = await sweepOnThreads(pageThreads(), request.scenario, variations, (done, total) =>
        progress(done / total),
      );
      return { variations, rows };
    }
    case "compare": {
      const [a, b] = [request.a, request.b].map((raw) =>
        summarizeScenario(withTrials(scenarioAtMedians(raw), COMPARE_TRIALS)),
      );
      return { a, b };
    }
    case "calibrate": {
      const result = calibrateFiles(request.files, {
        date: request.date,
        ...(request.name ? { name: request.name } : {}),
        onProgress: progress,
      });
      return { result, stackFile: stackFileYaml(result.section) } satisfies Calibrated;
    }
  }
}

self.onmessage = async (
  event: MessageEvent<{ id: number; request: JobRequest; workers: number | undefined }>,
) => {
  const { id, request, workers } = event.data;
  askWorkers(workers);
  let reported = -1;
  // At most a hundred progress messages a job.
  const progress = (fraction: number) => {
    const percent = Math.floor(fraction * 100);
    if (percent > reported) {
      reported = percent;
      self.postMessage({ id, progress: fraction } satisfies JobReply);
    }
  };
  try {
    self.postMessage({ id, ok: true, result: await perform(request, progress) } satisfies JobReply);
  } catch (error) {
    const reply = (path: string, message: string): JobReply => ({ id, ok: false, error: { path, message } });
    if (error instanceof InputError) self.postMessage(reply(error.path, error.message));
    else if (error instanceof InfeasibleError) self.postMessage(reply("", error.message));
    else self.postMessage(reply("", `internal error: ${String(error)}`));
  }
};
