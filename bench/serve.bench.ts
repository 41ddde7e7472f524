// Serving-search speed: the whole replica search and fleet sizing for two bundled examples, repeated,
// reporting the median. Run with `npm run bench`; one core, after a first run warms the JIT.
import { readFileSync } from "node:fs";
import { serveScenario } from "../src/pipeline/serve.ts";
import { loadScenario } from "../src/scenario/normalize.ts";

const REPEATS = 31;

for (const file of ["examples/serve-chatgpt-uae.yaml", "examples/serve-grok-x.yaml"]) {
  const scenario = loadScenario(readFileSync(file, "utf8"));
  serveScenario(scenario);
  const times: number[] = [];
  let evaluated = 0;
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    evaluated = serveScenario(scenario).search.evaluated;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  console.log(
    `${scenario.name}: ${evaluated} replica layouts and the fleet, median ${median.toFixed(1)} ms (min ${(times[0] ?? 0).toFixed(1)} ms) over ${REPEATS} runs on one core`,
  );
}
