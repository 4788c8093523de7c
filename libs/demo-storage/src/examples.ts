import { plugin } from '@plux/core';
import { check, EXAMPLES_NAMESPACE, type ExampleClient } from '@minicloud/api';

/** Creates a bucket, stores an object, reads it back and lists the bucket. */
export const s3Example = plugin(
  { namespace: EXAMPLES_NAMESPACE, name: 's3' },
  async function s3(client: ExampleClient) {
    check((await client.request('PUT', '/s3/photos')).status === 200, 'cannot create bucket photos');
    const put = await client.request('PUT', '/s3/photos/2024/hello.txt', 'hello from minicloud');
    check(put.status === 200, `PUT object answered ${put.status}`);
    const get = await client.request('GET', '/s3/photos/2024/hello.txt');
    check(get.text === 'hello from minicloud', `GET object returned ${JSON.stringify(get.text)}`);
    const list = (await client.request('GET', '/s3/photos')).json<{ objects: { key: string }[] }>();
    check(list.objects.length === 1, `bucket photos lists ${list.objects.length} objects, expected 1`);
  },
);

/** Writes a key twice and reads the second revision. */
export const kvExample = plugin(
  { namespace: EXAMPLES_NAMESPACE, name: 'kv' },
  async function kv(client: ExampleClient) {
    await client.request('PUT', '/kv/colour', 'blue');
    const put = await client.request('PUT', '/kv/colour', 'green');
    check(put.json<{ revision: number }>().revision === 2, 'the second write did not make revision 2');
    const get = await client.request('GET', '/kv/colour');
    check(get.json<{ value: string }>().value === 'green', `GET /kv/colour returned ${get.text}`);
  },
);
