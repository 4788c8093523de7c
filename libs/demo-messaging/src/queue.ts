import { randomUUID } from 'node:crypto';

import { HttpError, ServicePlugin, type Router } from '@minicloud/api';

interface Message {
  id: string;
  body: string;
  sentAt: string;
}

/**
 * An SQS-like queue service, kept in memory: messages are received in the order they were sent, and receiving
 * removes them. Queues are created by their first message.
 *
 * Routes: `GET /queue` (queues and depths), `POST /queue/:queue/messages`, `GET /queue/:queue/messages?max=N`.
 */
export class QueueService extends ServicePlugin {
  static override pluginName = 'queue';
  readonly description = 'message queues, first in first out (SQS)';
  readonly #queues = new Map<string, Message[]>();

  protected mount(router: Router): void {
    router.route('GET', '/', () => ({
      body: { queues: [...this.#queues].map(([name, messages]) => ({ name, depth: messages.length })) },
    }));
    router.route('POST', '/:queue/messages', (req) => {
      const name = req.params.queue!;
      const message = { id: randomUUID(), body: req.text(), sentAt: new Date().toISOString() };
      const queue = this.#queues.get(name) ?? [];
      queue.push(message);
      this.#queues.set(name, queue);
      return { status: 201, body: { id: message.id, queue: name, depth: queue.length } };
    });
    router.route('GET', '/:queue/messages', (req) => {
      const name = req.params.queue!;
      const max = Number(req.query.get('max') ?? '1');
      if (!Number.isInteger(max) || max < 1 || max > 10) {
        throw new HttpError(400, 'InvalidParameterValue', 'max must be an integer from 1 to 10');
      }
      const queue = this.#queues.get(name);
      if (!queue) throw new HttpError(404, 'NonExistentQueue', `queue ${name} does not exist`);
      return { body: { queue: name, messages: queue.splice(0, max) } };
    });
  }
}
