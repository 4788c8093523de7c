import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { FileRefusedError, formatBytes, readRegularFile, readRegularText } from './read-file.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'plux-read-file-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// FIFOs and devices are read in a child process by test/special-files.spec.ts: a regression there must not hang
// the test runner
describe('readRegularFile', () => {
  it('reads a regular file up to the cap, and refuses one byte more', () => {
    const file = join(dir, 'exact.json');
    writeFileSync(file, 'x'.repeat(1024));
    expect(readRegularFile(file, 1024)).toHaveLength(1024);
    expect(() => readRegularFile(file, 1023)).toThrow(
      new FileRefusedError('too large (1024 bytes; plux reads at most 1023 bytes)', 'EFBIG'),
    );
  });

  it('refuses a folder, and passes the file system error of a missing file through', () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const error = (() => {
      try {
        readRegularFile(folder);
      } catch (e) {
        return e as FileRefusedError;
      }
    })();
    expect(error).toBeInstanceOf(FileRefusedError);
    expect(error?.code).toBe('ENOTREG');
    expect(error?.message).toBe('not a regular file (a folder)');
    expect(() => readRegularFile(join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('reads UTF-8 text as it is', () => {
    const file = join(dir, 'utf8.json');
    writeFileSync(file, '{"name":"ünïcödé 🧩"}');
    expect(readRegularFile(file)).toBe('{"name":"ünïcödé 🧩"}');
  });

  it('gives each file its own text, large and small, read one after another into one buffer', () => {
    const sizes = [10, 300 * 1024, 3, 70 * 1024, 0, 1024 * 1024, 5];
    const texts = sizes.map((size, i) => String.fromCharCode(97 + i).repeat(size));
    texts.forEach((text, i) => writeFileSync(join(dir, `size-${i}.json`), text));
    expect(texts.map((_, i) => readRegularFile(join(dir, `size-${i}.json`)))).toEqual(texts);
    // a text read earlier is not changed by later reads
    const first = readRegularFile(join(dir, 'size-1.json'));
    readRegularFile(join(dir, 'size-3.json'));
    expect(first).toBe(texts[1]);
  });
});

describe('readRegularText', () => {
  const mentionsPlux = (text: string) => text.includes('"plux"');

  it('gives the text that `wanted` accepts, small or larger than one read, and nothing of the rest', () => {
    const small = join(dir, 'small.json');
    const large = join(dir, 'large.json');
    const plain = join(dir, 'plain.json');
    writeFileSync(small, '{"plux":"./plux.json"}');
    const largeText = `{"plux":"./plux.json","pad":"${'x'.repeat(400 * 1024)}"}`;
    writeFileSync(large, largeText);
    writeFileSync(plain, '{"name":"left-pad"}');
    expect(readRegularText(small, { wanted: mentionsPlux })).toBe('{"plux":"./plux.json"}');
    expect(readRegularText(large, { wanted: mentionsPlux })).toBe(largeText);
    expect(readRegularText(plain, { wanted: mentionsPlux })).toBeUndefined();
    // the cap holds whatever `wanted` would say
    expect(() => readRegularText(large, { wanted: () => false, maxBytes: 1000 })).toThrow(
      expect.objectContaining({ code: 'EFBIG' }),
    );
  });

  it('reads an empty file as empty, and refuses a folder even when its text would not be wanted', () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    expect(readRegularText(empty)).toBe('');
    expect(readRegularText(empty, { wanted: mentionsPlux })).toBeUndefined();
    mkdirSync(join(dir, 'a-folder'));
    expect(() => readRegularText(join(dir, 'a-folder'), { wanted: () => false })).toThrow(
      new FileRefusedError('not a regular file (a folder)', 'ENOTREG'),
    );
  });

  it('refuses a symlink with noFollow, and reads the file it leads to without', () => {
    const target = join(dir, 'target.json');
    writeFileSync(target, '{"plux":{}}');
    symlinkSync(target, join(dir, 'link.json'));
    expect(() => readRegularText(join(dir, 'link.json'), { noFollow: true })).toThrow(
      expect.objectContaining({ code: 'ELOOP' }),
    );
    expect(readRegularText(join(dir, 'link.json'))).toBe('{"plux":{}}');
    expect(readRegularText(target, { noFollow: true })).toBe('{"plux":{}}');
  });

  // a file whose stat gives size 0 although it has content: reading stops at the end, not at the size
  it.runIf(process.platform === 'linux')('reads a /proc file to its end, and holds the cap on it', () => {
    expect(readRegularText('/proc/self/status')).toMatch(/^Name:/);
    // the stat says 0 bytes: only the reads can tell that this one is a byte over the cap
    const length = Buffer.byteLength(readRegularText('/proc/self/cmdline')!);
    expect(length).toBeGreaterThan(1);
    expect(readRegularText('/proc/self/cmdline', { maxBytes: length })).toHaveLength(length);
    expect(() => readRegularText('/proc/self/cmdline', { maxBytes: length - 1 })).toThrow(
      expect.objectContaining({ code: 'EFBIG' }),
    );
  });
});

describe('formatBytes', () => {
  it('says bytes below 1 MiB, and MiB above', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(16 * 1024 * 1024)).toBe('16 MiB');
    expect(formatBytes(17.25 * 1024 * 1024)).toBe('17.3 MiB');
  });
});
