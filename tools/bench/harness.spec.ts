import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { BenchError, runCase, type Case } from './src/harness.js';

/** Whether `pid` is a running process (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

const shell = (label: string, script: string, timeoutMs?: number): Case => ({
  label,
  run: { kind: 'command', command: 'sh', args: ['-c', script] },
  ...(timeoutMs ? { timeoutMs } : {}),
});

describe.skipIf(process.platform !== 'linux')('runCase: one process group per sample', () => {
  it('kills the whole group on timeout and fails with a TIMEOUT line', async () => {
    const error = await runCase(shell('slow', 'sleep 300 & echo "grandchild $!"; sleep 300', 1000)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BenchError);
    const message = (error as Error).message;
    expect(message).toMatch(/^slow: TIMEOUT, no exit after 1 s .*whole process group was killed/);
    const pid = Number(/grandchild (\d+)/.exec(message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
  });

  it('ends what a finished sample left running', async () => {
    const { output } = await runCase(shell('leaves', 'sleep 300 >/dev/null 2>&1 & echo "grandchild $!"'));
    const pid = Number(/grandchild (\d+)/.exec(output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid)).toBe(true);
  });

  it('reports a failing command with its exit code and output', async () => {
    await expect(runCase(shell('fails', 'echo broken >&2; exit 3'))).rejects.toThrow(
      /^fails: exited with 3:\nbroken$/,
    );
  });
});
