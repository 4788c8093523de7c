import { describe, expect, it } from 'vitest';
import { isDryRun } from './dry-run';

describe('isDryRun', () => {
  const nx = ['node', 'nx', 'g', 'plux:plugin', 's3'];

  it('sees --dry-run, --dryRun and -d', () => {
    expect(isDryRun([...nx, '--dry-run'])).toBe(true);
    expect(isDryRun([...nx, '--dryRun'])).toBe(true);
    expect(isDryRun([...nx, '-d'])).toBe(true);
    expect(isDryRun([...nx, '--dry-run=true'])).toBe(true);
  });

  it('is false without the flag, when it is turned off, or after --', () => {
    expect(isDryRun(nx)).toBe(false);
    expect(isDryRun([...nx, '--dry-run=false'])).toBe(false);
    expect(isDryRun([...nx, '--dry-run', '--no-dry-run'])).toBe(false);
    expect(isDryRun([...nx, '--', '--dry-run'])).toBe(false);
  });
});
