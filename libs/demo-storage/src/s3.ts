import { createHash } from 'node:crypto';

import { HttpError, ServicePlugin, type Router, type ServiceRequest } from '@minicloud/api';

interface StoredObject {
  body: Uint8Array;
  contentType: string;
  etag: string;
  lastModified: string;
}

/**
 * An S3-like object store, kept in memory: buckets hold objects under keys that may contain `/`.
 * A plux plugin in its plainest form: a `Plugin` class with a static `pluginName`.
 *
 * Routes: `GET /s3` (buckets), `PUT|GET|DELETE /s3/:bucket`, `PUT|GET|DELETE /s3/:bucket/*key`.
 */
export class S3Service extends ServicePlugin {
  static override pluginName = 's3';
  readonly description = 'object store: buckets of keyed objects (S3)';
  readonly #buckets = new Map<string, Map<string, StoredObject>>();

  protected mount(router: Router): void {
    router.route('GET', '/', () => ({
      body: {
        buckets: [...this.#buckets].map(([name, objects]) => ({ name, objects: objects.size })),
      },
    }));
    router.route('PUT', '/:bucket', (req) => {
      const name = req.params.bucket!;
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
        throw new HttpError(400, 'InvalidBucketName', `${name} is not a valid bucket name`);
      }
      if (!this.#buckets.has(name)) this.#buckets.set(name, new Map());
      return { body: { bucket: name } };
    });
    router.route('GET', '/:bucket', (req) => {
      const prefix = req.query.get('prefix') ?? '';
      const objects = [...this.#bucket(req)]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, o]) => ({ key, size: o.body.byteLength, etag: o.etag, lastModified: o.lastModified }));
      return { body: { bucket: req.params.bucket, objects } };
    });
    router.route('DELETE', '/:bucket', (req) => {
      const bucket = this.#bucket(req);
      if (bucket.size > 0) {
        throw new HttpError(
          409,
          'BucketNotEmpty',
          `bucket ${req.params.bucket} holds ${bucket.size} objects`,
        );
      }
      this.#buckets.delete(req.params.bucket!);
      return { status: 204 };
    });
    router.route('PUT', '/:bucket/*key', (req) => {
      const etag = `"${createHash('md5').update(req.body).digest('hex')}"`;
      const contentType = header(req, 'content-type') ?? 'application/octet-stream';
      const stored = { body: req.body, contentType, etag, lastModified: new Date().toISOString() };
      this.#bucket(req).set(req.params.key!, stored);
      return { headers: { etag }, body: { key: req.params.key, size: req.body.byteLength, etag } };
    });
    router.route('GET', '/:bucket/*key', (req) => {
      const object = this.#object(req);
      return { headers: { 'content-type': object.contentType, etag: object.etag }, body: object.body };
    });
    router.route('DELETE', '/:bucket/*key', (req) => {
      this.#object(req);
      this.#bucket(req).delete(req.params.key!);
      return { status: 204 };
    });
  }

  #bucket(req: ServiceRequest): Map<string, StoredObject> {
    const bucket = this.#buckets.get(req.params.bucket!);
    if (!bucket) throw new HttpError(404, 'NoSuchBucket', `bucket ${req.params.bucket} does not exist`);
    return bucket;
  }

  #object(req: ServiceRequest): StoredObject {
    const object = this.#bucket(req).get(req.params.key!);
    if (!object) {
      throw new HttpError(404, 'NoSuchKey', `${req.params.bucket}/${req.params.key} does not exist`);
    }
    return object;
  }
}

function header(req: ServiceRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
