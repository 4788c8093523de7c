import { describe, expect, it } from 'vitest';

import { serializeIndex, type IndexedPlugin } from '../core/plux-index.js';
import { diffIndex, isEmptyDiff } from './diff.js';

const s3: IndexedPlugin = {
  namespace: 'acme.services',
  name: 's3',
  module: './dist/s3.js',
  export: 'S3Plugin',
};
const sqs: IndexedPlugin = {
  namespace: 'acme.services',
  name: 'sqs',
  module: './dist/sqs.js',
  export: 'sqs',
};
const deploy: IndexedPlugin = {
  namespace: 'acme.cli',
  name: 'deploy',
  module: './dist/cli.js',
  export: 'deploy',
};

describe('diffIndex', () => {
  it('names added, removed and changed plugins as namespace:name, sorted', () => {
    const before = serializeIndex([s3, deploy]);
    const after = serializeIndex([{ ...s3, module: './dist/storage.js' }, sqs]);

    expect(diffIndex(before, after)).toEqual({
      added: ['acme.services:sqs'],
      removed: ['acme.cli:deploy'],
      changed: ['acme.services:s3'],
    });
  });

  it('counts a renamed export as changed', () => {
    expect(diffIndex(serializeIndex([s3]), serializeIndex([{ ...s3, export: 'default' }])).changed).toEqual([
      'acme.services:s3',
    ]);
  });

  it('treats a missing or unreadable old file as empty: every plugin is added', () => {
    const next = serializeIndex([s3, sqs]);

    expect(diffIndex(undefined, next).added).toEqual(['acme.services:s3', 'acme.services:sqs']);
    expect(diffIndex('{ not json', next).added).toEqual(['acme.services:s3', 'acme.services:sqs']);
  });

  it('sees no plugin difference when only the formatting differs', () => {
    const next = serializeIndex([s3]);
    const reformatted = JSON.stringify(JSON.parse(next));

    expect(reformatted).not.toBe(next);
    expect(isEmptyDiff(diffIndex(reformatted, next))).toBe(true);
  });
});
