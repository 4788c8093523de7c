/**
 * `node tools/bench/dist/profile.js <file.cpuprofile|folder> [--top N] [--filter text]`
 *
 * Summarises V8 CPU profiles written by `npm run bench -- --profile`: self time per function and inclusive time
 * per function (each function counted once per stack, so recursion does not inflate it), and self time per file.
 * A folder is summarised profile by profile.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self and inclusive milliseconds per function (`name file:line`) and self milliseconds per file. */
interface ProfileSummary {
  totalMs: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
  files: Map<string, number>;
}

/** Sums a profile's samples per function and per file. */
function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; attributing it to sample i is V8's own convention.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const node = byId.get(id);
    if (!node) return;
    add(self, label(node), ms);
    add(files, shortUrl(node.callFrame.url) || `(${node.callFrame.functionName || 'native'})`, ms);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const key = label(n);
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, ms);
    }
  });
  return { totalMs, self, inclusive, files };
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? ` ${shortUrl(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where}`;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/libs\//, 'libs/')
    .replace(/^.*\/node_modules\//, '~/');
}

function top(map: Map<string, number>, n: number, filter?: string): string[] {
  return [...map]
    .filter(([key]) => !filter || key.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${key}`);
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, filter: { type: 'string' } },
  });
  const n = Number(values.top);
  for (const target of positionals) {
    const files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(target, f))
      : [target];
    for (const file of files) {
      const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
      console.log(`\n# ${file}: ${summary.totalMs.toFixed(1)} ms sampled`);
      console.log('\n## inclusive (per function, once per stack)');
      console.log(top(summary.inclusive, n, values.filter).join('\n'));
      console.log('\n## self');
      console.log(top(summary.self, n, values.filter).join('\n'));
      console.log('\n## self per file');
      console.log(top(summary.files, Math.min(n, 15)).join('\n'));
    }
  }
}

main(process.argv.slice(2));
