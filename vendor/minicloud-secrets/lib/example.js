import { plugin } from '@plux/core';

/** Stores two versions of a secret and reads both back. */
export const secretsExample = plugin(
  { namespace: 'minicloud.examples', name: 'secrets' },
  /** @param {{ request(method: string, path: string, body?: unknown): Promise<{ status: number, json(): any }> }} client */
  async function secrets(client) {
    await client.request('PUT', '/secrets/db-password', 'hunter2');
    await client.request('PUT', '/secrets/db-password', 'correct horse battery staple');
    const latest = (await client.request('GET', '/secrets/db-password')).json();
    const first = (await client.request('GET', '/secrets/db-password?version=1')).json();
    if (latest.version !== 2 || first.value !== 'hunter2') {
      throw new Error(`secret versions came back wrong: latest v${latest.version}, v1 ${first.value}`);
    }
  },
);
