#!/usr/bin/env node
// The program lives in the built package; this file exists in git so `npx minicloud` works right after a build.
import { main } from '../dist/index.js';

process.exitCode = await main(process.argv.slice(2));
