import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentType } from 'prom-client';

/** The Prometheus text of a process: its own metrics, plus any it relays (the Temporal SDK's). */
export type Exposition = () => Promise<string>;

/** Answers a scrape: the exposition, or 500 with the reason when it cannot be made. */
export async function answerScrape(exposition: Exposition, res: ServerResponse): Promise<void> {
  try {
    const text = await exposition();
    res.writeHead(200, { 'content-type': contentType }).end(text);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${String(err)}\n`);
  }
}

/**
 * A listener of its own for /metrics (the worker's, or the API's when bound apart): nothing else
 * is served there, and nothing there needs a credential.
 */
export async function listenForScrapes(
  host: string,
  port: number,
  exposition: Exposition,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics')
      return void answerScrape(exposition, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shown}:${bound}/metrics` };
}

export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
