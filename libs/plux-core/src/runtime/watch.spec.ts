import { readdirSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeWatchedRoot, removeTempDirs } from '../../test/support/temp.js';
import { fingerprintText, statKey, WatchRecorder } from './watch.js';

afterAll(removeTempDirs);
const makeRoot = () => makeWatchedRoot('plux-watch-');

describe('WatchRecorder', () => {
  it('fingerprints what it read only for paths changed too close to the scan', () => {
    const { file } = makeRoot();
    const racy = new WatchRecorder(Date.now());
    racy.file(file, '{"a":1}');
    expect(racy.records).toEqual([['f', file, statKey(file), fingerprintText('{"a":1}')]]);

    const old = new WatchRecorder(Date.now() + 60_000); // a scan a minute after the change
    old.file(file, '{"a":1}');
    expect(old.records[0]).toHaveLength(3);
  });

  it('reads a file it was given as a function only when the file is racy', () => {
    const { file } = makeRoot();
    let reads = 0;
    const read = () => (reads++, readFileSync(file, 'utf8'));
    new WatchRecorder(Date.now() + 60_000).file(file, read);
    expect(reads).toBe(0);
    const racy = new WatchRecorder(Date.now());
    racy.file(file, read);
    expect(reads).toBe(1);
    expect(racy.records[0]![3]).toBe(fingerprintText('{"a":1}'));
  });

  it('records a missing path as missing, once', () => {
    const { root } = makeRoot();
    const recorder = new WatchRecorder();
    recorder.presence(join(root, 'nope'));
    recorder.file(join(root, 'nope'), undefined);
    expect(recorder.records).toEqual([['p', join(root, 'nope'), '-']]);
  });

  it('tells folder listings apart by names and by symlink targets', () => {
    const { root } = makeRoot();
    const folder = join(root, 'node_modules');
    symlinkSync('../a', join(folder, 'dep'));
    const listing = () => {
      const recorder = new WatchRecorder(Date.now());
      recorder.directory(folder, readdirSync(folder, { withFileTypes: true }));
      return recorder.records[0]![3];
    };
    const before = listing();
    unlinkSync(join(folder, 'dep'));
    symlinkSync('../b', join(folder, 'dep'));
    expect(listing()).not.toBe(before);
  });
});

describe('fingerprintText', () => {
  it('differs for texts that differ in one character, and is stable', () => {
    expect(fingerprintText('{"s3":1}')).toBe(fingerprintText('{"s3":1}'));
    expect(fingerprintText('{"s3":1}')).not.toBe(fingerprintText('{"s4":1}'));
    expect(fingerprintText('ab')).not.toBe(fingerprintText('ba'));
  });
});
