import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server, ServerResponse } from 'node:http';

/** How long requests under way may take to finish once the API is told to stop. */
export const DRAIN_GRACE_MS = 10_000;

/**
 * Makes `server` drainable: the returned function stops it within `graceMs`, accepting no new
 * connection, letting the requests under way finish, and closing kept-alive connections. Node's
 * own close() waits for those, and a client that keeps asking on one (a console polling, a load
 * balancer's pool) holds a closing server open for ever. So once draining, every answer says
 * `Connection: close` (those under way too: they are tracked from the start), connections close
 * as soon as they are idle, and whatever is still open when the grace ends is cut.
 */
export function drainable(server: Server): (graceMs?: number) => Promise<void> {
  const answering = new Set<ServerResponse>();
  let draining = false;
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    answering.add(res);
    res.once('close', () => answering.delete(res));
  });
  return async (graceMs = DRAIN_GRACE_MS) => {
    if (!server.listening) return;
    draining = true;
    for (const res of answering) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // An answer already on its way when draining began leaves its connection open, idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    try {
      await closed;
    } finally {
      clearInterval(sweep);
      clearTimeout(deadline);
    }
  };
}

/** Drains the API's HTTP server before the rest of the app (database, Temporal client) shuts down. */
@Injectable()
export class HttpServerDrain implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('HTTP');
  private drain?: () => Promise<void>;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) this.drain = drainable(server);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.drain) return;
    const started = Date.now();
    this.logger.log(`Draining HTTP connections (at most ${DRAIN_GRACE_MS / 1000} s)`);
    await this.drain();
    this.logger.log(`HTTP server drained in ${Date.now() - started} ms`);
  }
}
