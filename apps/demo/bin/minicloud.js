#!/usr/bin/env node
// The program lives in the built package; this file exists in git so `npx minicloud` works once it is built.
// Right after `npm ci` nothing is built yet: say how to build instead of printing Node's module-not-found stack.
// The advice is demo:plux-discover, not demo:build: it builds the program and its libraries and writes the
// plux.json indexes, without which minicloud finds no commands.
let main;
try {
  ({ main } = await import('../dist/index.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/[\\/]dist[\\/]/.test(String(error.message))) throw error;
  process.stderr.write(
    'minicloud is not built yet: run `npx nx run demo:plux-discover` (or `npm run demo`) first\n' +
      `  (${error.message})\n`,
  );
  process.exit(1);
}

process.exitCode = await main(process.argv.slice(2));
