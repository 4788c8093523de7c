import { createRouter, type ServiceRouter } from '@minicloud/api';
import { isFunctionPlugin, isPluginClass } from '@plux/core';
import { describe, expect, it } from 'vitest';

import { queueExample } from './examples.js';
import { QueueService } from './queue.js';

async function call(router: ServiceRouter, method: string, url: string, body?: string) {
  const response = await router.handle({
    method,
    url,
    ...(body !== undefined && { body: new TextEncoder().encode(body) }),
  });
  return { status: response.status, json: JSON.parse(new TextDecoder().decode(response.body)) };
}

describe('QueueService', () => {
  it('is the Plugin class queue of minicloud.services', () => {
    expect(isPluginClass(QueueService)).toBe(true);
    expect([QueueService.namespace, QueueService.pluginName]).toEqual(['minicloud.services', 'queue']);
  });

  it('delivers messages first in, first out, and receiving removes them', async () => {
    const router = createRouter();
    new QueueService().load({ router, config: { host: '127.0.0.1', port: 0 } });
    for (const body of ['a', 'b', 'c']) await call(router, 'POST', '/queue/q/messages', body);
    expect((await call(router, 'GET', '/queue')).json).toEqual({ queues: [{ name: 'q', depth: 3 }] });
    const first = await call(router, 'GET', '/queue/q/messages?max=2');
    expect(first.json.messages.map((m: { body: string }) => m.body)).toEqual(['a', 'b']);
    expect((await call(router, 'GET', '/queue/q/messages')).json.messages[0].body).toBe('c');
    expect((await call(router, 'GET', '/queue/q/messages')).json.messages).toEqual([]);
  });

  it('answers 404 for a queue never sent to and 400 for a bad max', async () => {
    const router = createRouter();
    new QueueService().load({ router, config: { host: '127.0.0.1', port: 0 } });
    expect((await call(router, 'GET', '/queue/none/messages')).json.error.code).toBe('NonExistentQueue');
    await call(router, 'POST', '/queue/q/messages', 'x');
    expect((await call(router, 'GET', '/queue/q/messages?max=11')).status).toBe(400);
  });
});

describe('queueExample', () => {
  it('is a function plugin that checks the order messages come back in', async () => {
    expect(isFunctionPlugin(queueExample)).toBe(true);
    const router = createRouter();
    // a queue that answers in the wrong order: the example must notice
    router.route('POST', '/queue/:q/messages', () => ({ status: 201, body: {} }));
    router.route('GET', '/queue/:q/messages', () => ({
      body: { messages: [{ body: '{"job":"thumbnail"}' }, { body: '{"job":"resize"}' }] },
    }));
    const client = {
      url: 'http://in-process',
      async request(method: string, path: string, body?: unknown) {
        const bytes = body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body));
        const r = await router.handle({ method, url: path, ...(bytes && { body: bytes }) });
        const text = new TextDecoder().decode(r.body);
        return { status: r.status, headers: new Headers(r.headers), text, json: () => JSON.parse(text) };
      },
    };
    await expect(queueExample(client)).rejects.toThrow(
      'received jobs thumbnail,resize, expected resize,thumbnail',
    );
  });
});
