/**
 * minicloud's messaging service. Applications do not import this package: they find its plugins through plux
 * (`plux.json`), in the `minicloud.services` and `minicloud.examples` namespaces.
 *
 * @packageDocumentation
 */
export { QueueService } from './queue.js';
export { queueExample } from './examples.js';
