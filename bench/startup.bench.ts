// Start-up cost of the CLI: each command on a bundled example run as its own process, repeated,
// reporting the median wall time and CPU time (user + sys) and their ratio to a bare `node -e 0`
// (run alternately with the command, so a busy machine slows both). Run with `npm run bench` after
// `npm run build` (it runs bin/gigacluster.js, which loads dist/). Arguments pick commands by name
// (`... startup.bench.ts plan serve`); validate, whose work takes seconds, runs only when named.
// Node reports no child's CPU time, so bash's `time` measures each run (bash itself is not counted).
import { spawnSync } from "node:child_process";

const REPEATS = 11;

const BARE = ["-e", "0"];

const commands: { name: string; args: string[]; repeats?: number; onlyNamed?: boolean }[] = [
  { name: "--help", args: ["--help"] },
  { name: "plan --json", args: ["plan", "examples/llama-3-405b.yaml", "--json"] },
  { name: "plan (text)", args: ["plan", "examples/llama-3-405b.yaml"] },
  { name: "simulate --json", args: ["simulate", "examples/llama-3-405b.yaml", "--json"] },
  { name: "buildout --json", args: ["buildout", "examples/stargate-uae-1gw.yaml", "--json"] },
  { name: "serve --json", args: ["serve", "examples/serve-grok-x.yaml", "--json"] },
  { name: "catalog", args: ["catalog"] },
  { name: "schema", args: ["schema"] },
  { name: "validate --json", args: ["validate", "--json"], repeats: 3, onlyNamed: true },
];

interface Times {
  wall: number;
  cpu: number;
}

/** One run of node under bash's `time`: wall, and user + sys, in seconds. */
function timeOnce(args: string[]): Times {
  const script = 'TIMEFORMAT="%3R %3U %3S"; { time "$@" >/dev/null 2>&1; } 2>&1';
  const result = spawnSync("bash", ["-c", script, "time", process.execPath, ...args], { encoding: "utf8" });
  const [wall, user, sys] = result.stdout.trim().split(/\s+/).map(Number);
  if (result.status !== 0 || wall === undefined || user === undefined || sys === undefined || !(wall >= 0)) {
    throw new Error(`could not time node ${args.join(" ")}: ${result.stdout}${result.stderr}`);
  }
  return { wall, cpu: user + sys };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function medians(runs: Times[]): Times {
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(0).padStart(5)} ms`;

const picked = process.argv.slice(2);
const bare: Times[] = [];
for (const { name, args, repeats = REPEATS, onlyNamed } of commands) {
  const named = picked.some((word) => name.includes(word));
  if (picked.length > 0 ? !named : onlyNamed) continue;
  const command = ["bin/gigacluster.js", ...args];
  timeOnce(command); // warms the file cache
  const runs: Times[] = [];
  const beside: Times[] = [];
  for (let i = 0; i < repeats; i++) {
    beside.push(timeOnce(BARE));
    runs.push(timeOnce(command));
  }
  bare.push(...beside);
  const times = medians(runs);
  const base = medians(beside);
  console.log(
    `${name.padEnd(16)} CPU ${ms(times.cpu)} (${(times.cpu / base.cpu).toFixed(1)}x)` +
      `  wall ${ms(times.wall)} (${(times.wall / base.wall).toFixed(1)}x)  median of ${repeats} runs`,
  );
}
const base = medians(bare);
console.log(
  `${"node -e 0".padEnd(16)} CPU ${ms(base.cpu)}         wall ${ms(base.wall)}  median of ${bare.length} runs`,
);
