// Writes the CLI bundle's code cache (bin/cli-loader.js reads it): runs the commands a user runs most,
// on the bundled examples, with their output dropped, then saves the bytecode of everything compiled.
// A command left out still runs; it compiles what the cache lacks, as it would without one.
import { loadCli } from "../bin/cli-loader.js";

const COMMANDS = [
  ["--help"],
  ["plan", "examples/llama-3-405b.yaml", "--json"],
  ["plan", "examples/llama-3-405b.yaml"],
  ["simulate", "examples/llama-3-405b.yaml", "--json"],
  ["buildout", "examples/stargate-uae-1gw.yaml", "--json"],
  ["buildout", "examples/stargate-uae-1gw.yaml"],
  ["serve", "examples/serve-grok-x.yaml", "--json"],
  ["serve", "examples/serve-grok-x.yaml"],
  ["catalog"],
  ["schema"],
];

const cli = loadCli({ useCodeCache: false });
const quiet = { out() {}, err() {} };
for (const argv of COMMANDS) {
  const code = await cli.main(argv, quiet);
  if (code !== 0) {
    console.error(`warm-cli-cache: gigacluster ${argv.join(" ")} exited ${code}`);
    process.exit(1);
  }
}
cli.writeCodeCache();
