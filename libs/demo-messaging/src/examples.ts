import { plugin } from '@plux/core';
import { check, EXAMPLES_NAMESPACE, type ExampleClient } from '@minicloud/api';

/** Sends two messages and receives them in order. */
export const queueExample = plugin(
  { namespace: EXAMPLES_NAMESPACE, name: 'queue' },
  async function queue(client: ExampleClient) {
    await client.request('POST', '/queue/jobs/messages', { job: 'resize', image: 'hello.png' });
    await client.request('POST', '/queue/jobs/messages', { job: 'thumbnail', image: 'hello.png' });
    const received = await client.request('GET', '/queue/jobs/messages?max=2');
    const { messages } = received.json<{ messages: { body: string }[] }>();
    const jobs = messages.map((m) => (JSON.parse(m.body) as { job: string }).job);
    check(
      jobs.join(',') === 'resize,thumbnail',
      `received jobs ${jobs.join(',') || 'none'}, expected resize,thumbnail`,
    );
  },
);
