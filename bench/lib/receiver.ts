import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchReceiverOptions {
  /** Share of requests answered 500 instead of 200 (0 to 1). */
  failShare?: number;
  /** Key receipts by path and ID, for many endpoints on one receiver (`/hook/7`). */
  byPath?: boolean;
}

/**
 * A receiver on loopback answering 200 at once (or 500 for a share of requests), noting when each
 * message was first accepted by its ID (`webhook-id` for the product, `x-message-id` for the baseline).
 */
export class BenchReceiver {
  readonly received = new Map<string, number>();
  requests = 0;
  refused = 0;
  private server?: Server;
  url = '';

  static async start(options: BenchReceiverOptions = {}): Promise<BenchReceiver> {
    const receiver = new BenchReceiver();
    receiver.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        receiver.requests++;
        if (options.failShare && Math.random() < options.failShare) {
          receiver.refused++;
          res.writeHead(500).end('bench: failing on purpose');
          return;
        }
        const id = String(req.headers['webhook-id'] ?? req.headers['x-message-id'] ?? '');
        const key = options.byPath ? `${req.url}#${id}` : id;
        if (!receiver.received.has(key)) receiver.received.set(key, performance.now());
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
    this.refused = 0;
  }

  async waitFor(ids: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => !this.received.has(id))) {
      if (Date.now() > deadline) {
        const missing = ids.filter((id) => !this.received.has(id)).length;
        throw new Error(`${missing} of ${ids.length} messages not received within ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
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
