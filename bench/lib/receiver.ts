import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A receiver on loopback answering 200 at once, noting when each message arrived by its ID
 * (`webhook-id` for the product, `x-message-id` for the baseline).
 */
export class BenchReceiver {
  readonly received = new Map<string, number>();
  requests = 0;
  private server?: Server;
  url = '';

  static async start(): Promise<BenchReceiver> {
    const receiver = new BenchReceiver();
    receiver.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        receiver.requests++;
        const id = String(req.headers['webhook-id'] ?? req.headers['x-message-id'] ?? '');
        if (!receiver.received.has(id)) receiver.received.set(id, performance.now());
        res.writeHead(200).end();
      });
    });
    receiver.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hook`;
    return receiver;
  }

  reset(): void {
    this.received.clear();
    this.requests = 0;
  }

  async waitFor(ids: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => !this.received.has(id))) {
      if (Date.now() > deadline) {
        const missing = ids.filter((id) => !this.received.has(id)).length;
        throw new Error(`${missing} of ${ids.length} messages not received within ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Runs `task` for each item with at most `concurrency` at once. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}
