import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  receivedAt: number;
  /** What `check` said of it when it arrived (e.g. a signature verified against the clock of then). */
  verdict?: boolean;
}

/** How the receiver answers one request; `drip` sends the body a byte at a time, slowly. */
export type Behaviour =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hangMs: number }
  | { dripMs: number }
  | { destroy: true };

/**
 * A webhook receiver on 127.0.0.1 (a free port) that records every request and answers as told:
 * one behaviour per request in order (the last one repeats), 200 by default.
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private behaviours: Behaviour[] = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  url = '';

  /** Judges each request as it arrives, while its timestamp is fresh. */
  check?: (request: ReceivedRequest) => boolean;
  /** What a receiver on the same port recorded before this one took over. */
  previous: ReceivedRequest[] = [];

  static async start(path = '/hook', port = 0): Promise<Receiver> {
    const receiver = new Receiver();
    await receiver.listen(path, port);
    return receiver;
  }

  allRequests(): ReceivedRequest[] {
    return [...this.previous, ...this.requests];
  }

  answer(...behaviours: Behaviour[]): this {
    this.behaviours = behaviours;
    return this;
  }

  private async listen(path: string, port: number): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: Date.now(),
    };
    received.verdict = this.check?.(received);
    this.requests.push(received);
    const index = Math.min(this.requests.length - 1, this.behaviours.length - 1);
    const behaviour = this.behaviours[index] ?? { status: 200, body: 'ok' };
    if ('destroy' in behaviour) return void req.socket.destroy();
    if ('hangMs' in behaviour) {
      await new Promise((resolve) => setTimeout(resolve, behaviour.hangMs));
      if (!res.destroyed) res.end();
      return;
    }
    if ('dripMs' in behaviour) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        res.write('.');
        await new Promise((resolve) => setTimeout(resolve, behaviour.dripMs));
      }
      return void res.end();
    }
    res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
    res.end(behaviour.body ?? '');
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The receivers a test file starts, stopped together at its end. */
export class Receivers {
  private readonly started: Receiver[] = [];

  async start(): Promise<Receiver> {
    const receiver = await Receiver.start();
    this.started.push(receiver);
    return receiver;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.map((r) => r.stop()));
  }
}
