import { describe, expect, it } from 'vitest';

import { describeServiceSelection, isServiceEnabled, readConfig } from './config.js';

describe('readConfig', () => {
  it('reads the services and the port from the environment, loopback only', () => {
    expect(readConfig({ MINICLOUD_SERVICES: ' s3, queue ,', MINICLOUD_PORT: '0' })).toEqual({
      host: '127.0.0.1',
      port: 0,
      services: ['s3', 'queue'],
    });
  });

  it("defaults to LocalStack's port and every service", () => {
    expect(readConfig({})).toEqual({ host: '127.0.0.1', port: 4566 });
    expect(readConfig({ MINICLOUD_SERVICES: 's3,*' }).services).toBeUndefined();
  });

  it('rejects a port that is not one, naming the variable', () => {
    expect(() => readConfig({ MINICLOUD_PORT: '70000' })).toThrow(
      'MINICLOUD_PORT=70000 is not a port number',
    );
    expect(() => readConfig({ MINICLOUD_PORT: 'http' })).toThrow(RangeError);
  });
});

describe('isServiceEnabled', () => {
  it('enables every service when MINICLOUD_SERVICES is unset, empty or *, else only those listed', () => {
    expect(isServiceEnabled('kv', {})).toBe(true);
    expect(isServiceEnabled('kv', { MINICLOUD_SERVICES: '' })).toBe(true);
    expect(isServiceEnabled('kv', { MINICLOUD_SERVICES: '*' })).toBe(true);
    expect(isServiceEnabled('kv', { MINICLOUD_SERVICES: 's3,queue' })).toBe(false);
    expect(isServiceEnabled('queue', { MINICLOUD_SERVICES: 's3,queue' })).toBe(true);
  });

  it('explains a service the selection leaves out, and nothing for one it keeps', () => {
    const env = { MINICLOUD_SERVICES: 's3' };
    expect(describeServiceSelection('kv', env)).toBe('kv is not in MINICLOUD_SERVICES=s3');
    expect(describeServiceSelection('s3', env)).toBeUndefined();
  });
});
