import { createServer } from 'node:net';
import { freePort } from './free-port';

describe('freePort', () => {
  it('gives a port that can be bound on 127.0.0.1, under a bound when asked', async () => {
    for (const port of [await freePort(), await freePort({ below: 32_768 })]) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => server.close(resolve));
    }
    const low = await Promise.all(Array.from({ length: 20 }, () => freePort({ below: 32_768 })));
    expect(low.every((port) => port >= 10_000 && port < 32_768)).toBe(true);
  });
});
