import { createServer } from 'node:net';

/** Whether `port` can be bound on 127.0.0.1 right now (0: any port); the port bound, or null. */
function bind(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port free on 127.0.0.1 right now: the OS picks it, or with `below`, one under that bound
 * (picked at random from 10000 up; the OS's ephemeral range starts at 32768 on Linux).
 */
export async function freePort({ below }: { below?: number } = {}): Promise<number> {
  if (below === undefined) {
    const port = await bind(0);
    if (port === null) throw new Error('no free port on 127.0.0.1');
    return port;
  }
  for (let tries = 0; tries < 100; tries++) {
    const port = await bind(10_000 + Math.floor(Math.random() * (below - 10_000)));
    if (port !== null) return port;
  }
  throw new Error(`no free port under ${below} on 127.0.0.1`);
}
