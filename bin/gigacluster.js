#!/usr/bin/env node
// The published entry point runs the bundled CLI (built by `npm install` through the prepare script;
// scripts/bundle-cli.mjs says why it is bundled).
// Where Node has V8's compile cache (22.1 and later), the CLI's modules are compiled once and read back
// on later runs (in the system's temporary folder; NODE_DISABLE_COMPILE_CACHE turns it off). Node 20
// has none: nothing happens. The cache is enabled before the CLI loads, so the import is dynamic.
import module from "node:module";

module.enableCompileCache?.();
const { main } = await import("../dist/cli-bundle/main.js");

process.exitCode = await main(process.argv.slice(2));
