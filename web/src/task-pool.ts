// The page's long work over several Web Workers, started by the run worker (nested workers: ended with
// it when a job is cancelled), as the CLI's --workers: the Monte Carlo's trial ranges, a sweep's points
// and an uncertainty analysis' samples. Each task depends only on its input and the outputs come back
// in input order, so the page shows the same bytes whatever the browser's core count.
import {
  expectedInterruptionsPerTrial,
  parseVariation,
  plannerWorkPays,
  type Scenario,
  type ScenarioPlan,
  type SimulationResult,
  type SweepRow,
  scenarioRunModel,
  simulateScenario,
  summarizeUncertainty,
  sweepPoints,
  sweepScenario,
  type TaskInput,
  type TaskKind,
  type TaskOutput,
  THREADED_INTERRUPTIONS,
  THREADED_SWEEP_POINTS,
  THREADED_UNCERTAINTY_SCENARIOS,
  threadsFor,
  trialChunks,
  type UncertaintyResult,
  uncertaintyOf,
  uncertaintyTasks,
  type Variation,
} from "../../src/index.ts";

type Progress = (done: number, total: number) => void;

/** Workers the page's address asked for (`?workers=N`, as the CLI's --workers); undefined: by the work. */
let askedWorkers: number | undefined;

export function askWorkers(workers: number | undefined): void {
  askedWorkers = workers;
}

/** The browser's cores, at most 8 (past that, start-up and merging eat the gain). */
function cores(): number {
  return Math.min(8, typeof navigator === "undefined" ? 1 : (navigator.hardwareConcurrency ?? 1));
}

/** Workers for `tasks` tasks: as many as asked, else every core when the work repays them; 1: here. */
function workersFor(tasks: number, worthIt: boolean): number {
  return threadsFor(askedWorkers, tasks, worthIt, cores());
}

/**
 * `inputs` of one kind on `size` workers, handed out one at a time (a slow worker takes fewer, progress
 * moves evenly); the outputs in input order. `weight` says how much of the progress each input is.
 */
function mapOnWorkers<K extends TaskKind>(
  kind: K,
  inputs: readonly TaskInput<K>[],
  size: number,
  onProgress: Progress,
  weight: (input: TaskInput<K>) => number = () => 1,
): Promise<Awaited<TaskOutput<K>>[]> {
  const outputs = new Array<Awaited<TaskOutput<K>>>(inputs.length);
  const total = inputs.reduce((sum, input) => sum + weight(input), 0);
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const end = (error?: unknown) => {
      for (const worker of workers) worker.terminate();
      if (error === undefined) resolve(outputs);
      else reject(error);
    };
    const feed = (worker: Worker) => {
      if (next < inputs.length) worker.postMessage({ index: next, kind, input: inputs[next++] });
    };
    for (let i = 0; i < Math.min(size, inputs.length); i++) {
      const worker = new Worker(new URL("./task-worker.ts", import.meta.url), { type: "module" });
      workers.push(worker);
      worker.onmessage = (
        event: MessageEvent<{ index: number; output?: Awaited<TaskOutput<K>>; error?: string }>,
      ) => {
        const { index, output, error } = event.data;
        if (error !== undefined) return end(new Error(error));
        outputs[index] = output as Awaited<TaskOutput<K>>;
        done += weight(inputs[index] as TaskInput<K>);
        onProgress(done, total);
        if (++finished === inputs.length) end();
        else feed(worker);
      };
      worker.onerror = (event) => end(new Error(`a worker failed: ${event.message}`));
      feed(worker);
    }
  });
}

/** `simulateScenario`, its trials on the workers asked for, or on every core (at most 8) for a long run. */
export async function simulateOnWorkers(
  scenario: Scenario,
  plan: ScenarioPlan,
  onProgress: Progress,
): Promise<SimulationResult> {
  const { trials, seed } = scenario.run.simulation;
  const chunks = trialChunks(trials);
  const started = performance.now();
  const model = scenarioRunModel(scenario, plan);
  const long = expectedInterruptionsPerTrial(model) * trials >= THREADED_INTERRUPTIONS;
  const workers = workersFor(chunks.length, long);
  if (workers <= 1) return simulateScenario(scenario, plan, onProgress);
  const ranges = chunks.map(({ from, to }) => ({ model, seed, from, to }));
  const computed = await mapOnWorkers("trials", ranges, workers, onProgress, (r) => r.to - r.from);
  const run = simulateScenario(scenario, plan, undefined, { chunks: computed });
  return { ...run, seconds: (performance.now() - started) / 1000 };
}

/** Workers for the planner's work: as asked, else every core for enough tasks and cores to spare (the CLI's rule). */
function plannerWorkers(tasks: number, threshold: number): number {
  return workersFor(tasks, plannerWorkPays(tasks, threshold, cores()));
}

/** One field swept: its points on the workers asked for, or on every core from 4 cores and 16 points. */
export async function sweepOnWorkers(raw: unknown, spec: string, onProgress: Progress) {
  const variations: Variation[] = [parseVariation(spec)];
  const points = sweepPoints(variations);
  const workers = plannerWorkers(points.length, THREADED_SWEEP_POINTS);
  const rows: SweepRow[] =
    workers > 1
      ? await mapOnWorkers(
          "sweepPoint",
          points.map((values) => ({ raw, values })),
          workers,
          onProgress,
        )
      : sweepScenario(raw, variations, onProgress);
  return { variations, rows };
}

/** `uncertaintyOf`, its samples and swings on the workers asked for, or on every core from 4 cores and 128. */
export async function uncertaintyOnWorkers(
  raw: unknown,
  onProgress: Progress,
): Promise<UncertaintyResult | undefined> {
  const tasks = uncertaintyTasks(raw);
  if (!tasks) return undefined;
  const { inputs, sampling, scenarios } = tasks;
  const workers = plannerWorkers(scenarios.length, THREADED_UNCERTAINTY_SCENARIOS);
  if (workers <= 1) return uncertaintyOf(raw, onProgress);
  const outcomes = await mapOnWorkers("uncertaintySample", scenarios, workers, onProgress);
  return summarizeUncertainty(inputs, sampling, outcomes);
}
