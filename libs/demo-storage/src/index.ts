/**
 * minicloud's storage services. Applications do not import this package: they find its plugins through plux
 * (`plux.json`), in the `minicloud.services` and `minicloud.examples` namespaces.
 *
 * @packageDocumentation
 */
export { S3Service } from './s3.js';
export { KvService, type KvServiceOptions, kv } from './kv.js';
export { s3Example, kvExample } from './examples.js';
