#!/usr/bin/env node
// The published entry point runs the bundled CLI (built by `npm install` through the prepare script;
// scripts/bundle-cli.mjs says why it is bundled, bin/cli-loader.js how it loads).
import { loadCli } from "./cli-loader.js";

process.exitCode = await loadCli().main(process.argv.slice(2));
