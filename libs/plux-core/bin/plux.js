#!/usr/bin/env node
// The CLI lives in the built package; this file exists in git so `npx plux` works right after a build.
import { setTimeout } from 'node:timers';

import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
// `discover` and `resolve` run the user's code, which may leave a server or timer running; plux must still end.
// An unref'd timer never delays a normal exit; a forced one waits until the output is flushed.
setTimeout(() => process.stdout.write('', () => process.stderr.write('', () => process.exit())), 200).unref();
