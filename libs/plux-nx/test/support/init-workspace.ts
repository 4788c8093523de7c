import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This plugin's own version (libs/plux-nx/package.json): the version the init generator adds @plux/core at. */
export const OWN_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }
).version;
