// Whole commands on worker threads (task-pool.ts): a sweep's points per second and `validate`'s wall
// time on 1 thread (in process) and on 2 and all cores' threads, each run as its own process from the
// built dist/ (run `npm run build` first), the thread counts alternated so a busy machine slows each
// alike. Every run's output must be the same bytes as in process. Reports medians; REPEATS=n sets the
// runs per count (default 5). Run with `node --import tsx bench/workers.bench.ts [sweep|validate]`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

const REPEATS = Number(process.env.REPEATS ?? 5);
const COUNTS = [...new Set([1, 2, Math.min(availableParallelism(), 8)])];

/** 16 points (the fewest that start threads by default), each a full layout search and 200 trials. */
const SWEEP = {
  file: "examples/llama-3-405b-search.yaml",
  vary: ["cluster.gpus=2048..16384", "training.precision=bf16,fp8", "training.sequenceLength=4096,8192"],
  points: 16,
};

const dist = (module: string) => new URL(`../dist/${module}`, import.meta.url).href;
// A script file, not --eval: worker threads inherit node's flags, and --input-type refuses a file entry.
const folder = mkdtempSync(join(tmpdir(), "workers-bench-"));
process.on("exit", () => rmSync(folder, { recursive: true, force: true }));

// The commands' own functions, called with --workers as the CLI parses it (main.ts passes the same
// options), from the built modules.
const SCRIPTS = {
  sweep: (workers: number) =>
    `const { runSweep } = await import(${JSON.stringify(dist("cli/analyses.js"))});
     await runSweep(${JSON.stringify(SWEEP.file)}, { vary: ${JSON.stringify(SWEEP.vary)}, json: true, workers: "${workers}" }, io);`,
  validate: (workers: number) =>
    `const { runValidateOnWorkers } = await import(${JSON.stringify(dist("cli/validate.js"))});
     await runValidateOnWorkers({ json: true, workers: "${workers}" }, io);`,
};

function runOnce(name: keyof typeof SCRIPTS, workers: number): { seconds: number; stdout: string } {
  const code = `const io = { out: (t) => process.stdout.write(t + "\\n"), err: (t) => process.stderr.write(t + "\\n") };\n${SCRIPTS[name](workers)}`;
  const script = join(folder, `${name}.mjs`);
  writeFileSync(script, code);
  const started = performance.now();
  const result = spawnSync(process.execPath, [script], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${name} on ${workers} threads failed: ${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const picked = process.argv.slice(2);
for (const name of Object.keys(SCRIPTS) as (keyof typeof SCRIPTS)[]) {
  if (picked.length > 0 && !picked.includes(name)) continue;
  const times = new Map<number, number[]>(COUNTS.map((count) => [count, []]));
  let bytes: string | undefined;
  for (let i = 0; i < REPEATS; i++) {
    for (const count of COUNTS) {
      const { seconds, stdout } = runOnce(name, count);
      bytes ??= stdout;
      if (stdout !== bytes) throw new Error(`${name} on ${count} threads printed other bytes`);
      times.get(count)?.push(seconds);
    }
  }
  const one = median(times.get(1) ?? []);
  const what =
    name === "sweep"
      ? `sweep of ${SWEEP.points} points (${SWEEP.file}, ${SWEEP.vary.join(" ")})`
      : "validate --json";
  console.log(`${what}, whole process, median of ${REPEATS} runs, same bytes on every thread count:`);
  for (const count of COUNTS) {
    const wall = median(times.get(count) ?? []);
    const best = Math.min(...(times.get(count) ?? []));
    const rate = name === "sweep" ? `, ${(SWEEP.points / wall).toFixed(2)} points/s` : "";
    const label = count === 1 ? "in process" : `${count} threads`;
    console.log(
      `  ${label.padEnd(10)} wall ${wall.toFixed(2)} s${rate} (${(one / wall).toFixed(2)}x; best ${best.toFixed(2)} s)`,
    );
  }
}
