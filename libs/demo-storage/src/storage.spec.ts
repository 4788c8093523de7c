import { createRouter, type ExampleClient, type ServiceRouter } from '@minicloud/api';
import { isPluginClass, isPluginSpec } from '@plux/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { kvExample, s3Example } from './examples.js';
import { KvService, kv } from './kv.js';
import { S3Service } from './s3.js';

const config = { host: '127.0.0.1', port: 0 };

/** An example client that answers through the router in-process, no server. */
function inProcessClient(router: ServiceRouter): ExampleClient & { sent: string[] } {
  const sent: string[] = [];
  return {
    url: 'http://in-process',
    sent,
    async request(method, path, body) {
      sent.push(`${method} ${path}`);
      const bytes =
        body === undefined
          ? undefined
          : new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
      const response = await router.handle({ method, url: path, ...(bytes && { body: bytes }) });
      const text = new TextDecoder().decode(response.body);
      return {
        status: response.status,
        headers: new Headers(response.headers),
        text,
        json: () => JSON.parse(text),
      };
    },
  };
}

async function call(router: ServiceRouter, method: string, url: string, body?: string) {
  const response = await router.handle({
    method,
    url,
    ...(body !== undefined && { body: new TextEncoder().encode(body) }),
  });
  const text = new TextDecoder().decode(response.body);
  return { status: response.status, text, headers: response.headers };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('S3Service', () => {
  it('is a Plugin class named s3 in minicloud.services, loaded only when MINICLOUD_SERVICES enables it', () => {
    expect(isPluginClass(S3Service)).toBe(true);
    expect([S3Service.namespace, S3Service.pluginName]).toEqual(['minicloud.services', 's3']);
    vi.stubEnv('MINICLOUD_SERVICES', 'queue');
    expect(new S3Service().shouldLoad()).toBe(false);
    vi.stubEnv('MINICLOUD_SERVICES', 'queue,s3');
    expect(new S3Service().shouldLoad()).toBe(true);
  });

  it('stores objects under keys with slashes in buckets, and answers AWS-style errors', async () => {
    const router = createRouter();
    expect(new S3Service().load({ router, config })).toEqual({
      description: 'object store: buckets of keyed objects (S3)',
    });
    expect((await call(router, 'PUT', '/s3/b', '')).status).toBe(400);
    expect((await call(router, 'PUT', '/s3/bkt', '')).status).toBe(200);
    const put = await call(router, 'PUT', '/s3/bkt/a/b.txt', 'data');
    expect(JSON.parse(put.text)).toMatchObject({ key: 'a/b.txt', size: 4 });
    const get = await call(router, 'GET', '/s3/bkt/a/b.txt');
    expect([get.text, get.headers.etag]).toEqual(['data', JSON.parse(put.text).etag]);
    expect((await call(router, 'DELETE', '/s3/bkt')).status).toBe(409);
    expect(JSON.parse((await call(router, 'GET', '/s3/nope/x')).text).error.code).toBe('NoSuchBucket');
    expect((await call(router, 'DELETE', '/s3/bkt/a/b.txt')).status).toBe(204);
    expect(JSON.parse((await call(router, 'GET', '/s3/bkt/a/b.txt')).text).error.code).toBe('NoSuchKey');
  });
});

describe('kv', () => {
  it("is a PluginSpec whose factory builds the KvService with the spec's options", async () => {
    expect(isPluginSpec(kv)).toBe(true);
    expect([kv.namespace, kv.name]).toEqual(['minicloud.services', 'kv']);
    const service = await (kv.factory as () => KvService)();
    expect(service).toBeInstanceOf(KvService);
    expect([service.service, service.options.maxValueBytes]).toEqual(['kv', 65536]);
  });

  it('bumps the revision on every write and refuses values over the limit', async () => {
    const router = createRouter();
    new KvService({ maxValueBytes: 4 }).load({ router, config });
    await call(router, 'PUT', '/kv/a', '1');
    expect(JSON.parse((await call(router, 'PUT', '/kv/a', '2')).text)).toEqual({ key: 'a', revision: 2 });
    expect(JSON.parse((await call(router, 'GET', '/kv/a')).text)).toEqual({
      key: 'a',
      value: '2',
      revision: 2,
    });
    expect((await call(router, 'PUT', '/kv/b', '12345')).status).toBe(413);
    expect(JSON.parse((await call(router, 'GET', '/kv')).text)).toEqual({ keys: ['a'] });
  });
});

describe('the storage examples', () => {
  it('exercise s3 and kv and pass against the real services', async () => {
    const router = createRouter();
    new S3Service().load({ router, config });
    (await (kv.factory as () => KvService)()).load({ router, config });
    const client = inProcessClient(router);
    await s3Example(client);
    await kvExample(client);
    expect(client.sent).toContain('GET /s3/photos/2024/hello.txt');
    expect(client.sent).toContain('GET /kv/colour');
    expect([s3Example.pluginSpec.name, kvExample.pluginSpec.namespace]).toEqual(['s3', 'minicloud.examples']);
  });

  it('fail with a message when a service answers wrong', async () => {
    const router = createRouter();
    router.route('PUT', '/kv/:key', () => ({ body: { revision: 1 } }));
    await expect(kvExample(inProcessClient(router))).rejects.toThrow(
      'the second write did not make revision 2',
    );
  });
});
