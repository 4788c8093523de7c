import { describe, expect, it } from 'vitest';

import { HttpError } from './http.js';
import { createRouter } from './router.js';

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('createRouter', () => {
  it('captures one segment with :name and the rest of the path with *name, decoded', async () => {
    const router = createRouter();
    router.route('GET', '/s3/:bucket/*key', (req) => ({ body: req.params }));
    const response = await router.handle({ method: 'get', url: '/s3/photos/2024/a%20b.txt' });
    expect(response.status).toBe(200);
    expect(JSON.parse(text(response.body))).toEqual({ bucket: 'photos', key: '2024/a b.txt' });
  });

  it('mounts a scope under its prefix and lists every route with its full pattern', () => {
    const router = createRouter();
    const kv = router.scope('/kv');
    kv.route('GET', '/', () => ({}));
    kv.route('put', '/:key', () => ({}));
    expect(router.routes).toEqual([
      { method: 'GET', pattern: '/kv' },
      { method: 'PUT', pattern: '/kv/:key' },
    ]);
  });

  it('answers 404 NoSuchRoute for an unknown path and 405 naming the allowed methods for a known one', async () => {
    const router = createRouter();
    router.route('GET', '/queue', () => ({}));
    const missing = await router.handle({ method: 'GET', url: '/nope' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(text(missing.body)).error.code).toBe('NoSuchRoute');
    const wrong = await router.handle({ method: 'DELETE', url: '/queue' });
    expect(wrong.status).toBe(405);
    expect(JSON.parse(text(wrong.body)).error.message).toBe('DELETE /queue: allowed GET');
  });

  it('turns an HttpError into its status and an AWS-style error body, and any other error into 500', async () => {
    const router = createRouter();
    router.route('GET', '/a', () => {
      throw new HttpError(409, 'BucketNotEmpty', 'bucket a holds 2 objects');
    });
    router.route('GET', '/b', () => {
      throw new Error('boom');
    });
    const a = await router.handle({ method: 'GET', url: '/a' });
    expect([a.status, JSON.parse(text(a.body))]).toEqual([
      409,
      { error: { code: 'BucketNotEmpty', message: 'bucket a holds 2 objects' } },
    ]);
    const b = await router.handle({ method: 'GET', url: '/b' });
    expect([b.status, JSON.parse(text(b.body)).error.code]).toEqual([500, 'InternalError']);
  });

  it('sends strings as text, bytes as they are and anything else as JSON, keeping a content-type given', async () => {
    const router = createRouter();
    router.route('GET', '/text', () => ({ body: 'hello' }));
    router.route('GET', '/bytes', () => ({
      body: new Uint8Array([1, 2]),
      headers: { 'Content-Type': 'image/png' },
    }));
    router.route('GET', '/json', () => ({ status: 201, body: { ok: true } }));
    expect((await router.handle({ method: 'GET', url: '/text' })).headers['content-type']).toMatch(
      /^text\/plain/,
    );
    const bytes = await router.handle({ method: 'GET', url: '/bytes' });
    expect([bytes.headers['content-type'], [...bytes.body]]).toEqual(['image/png', [1, 2]]);
    const json = await router.handle({ method: 'GET', url: '/json' });
    expect([json.status, json.headers['content-type'], text(json.body)]).toEqual([
      201,
      'application/json',
      '{"ok":true}',
    ]);
  });

  it('parses a JSON body on request and answers 400 InvalidJson when it is not JSON', async () => {
    const router = createRouter();
    router.route('POST', '/echo', (req) => ({ body: req.json() }));
    const body = (s: string) => new TextEncoder().encode(s);
    expect(text((await router.handle({ method: 'POST', url: '/echo', body: body('[1]') })).body)).toBe('[1]');
    expect((await router.handle({ method: 'POST', url: '/echo', body: body('{') })).status).toBe(400);
  });

  it('refuses to mount the same route twice, and a *rest segment that is not last', () => {
    const router = createRouter();
    router.route('GET', '/a', () => ({}));
    expect(() => router.route('get', '/a/', () => ({}))).toThrow('route GET /a is already mounted');
    expect(() => router.route('GET', '/*rest/x', () => ({}))).toThrow('*rest must be the last segment');
  });
});
