#!/usr/bin/env node
// The CLI lives in the built package; this file exists in git so `npx plux` works right after a build.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
