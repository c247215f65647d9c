import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
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

export interface ReceiverOptions {
  /** The URL's path (default /hook). */
  path?: string;
  /** A port of its own (default: a free one), e.g. to take over from a receiver stopped before. */
  port?: number;
  /** Share of requests answered 500 instead of as told (0 to 1): a flaky receiver. */
  failShare?: number;
  /** Share of requests answered only after a random delay of up to `slowMs` (default 500): a slow one. */
  slowShare?: number;
  slowMs?: number;
  /** Key first receipts by path and message ID, for many webhooks on one receiver (`/hook/7`). */
  byPath?: boolean;
  /** Keep every request in full (default); benchmarks keep only the first receipt of each message. */
  keepRequests?: boolean;
}

/**
 * The webhook receiver of the tests and benchmarks, on 127.0.0.1 (a free port). It answers as told,
 * one behaviour per request in order (the last one repeats), 200 by default; it records every
 * request, and when each message was first accepted by its ID (`webhook-id`; `x-message-id` for the
 * bare-Temporal baseline).
 */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** When each message was first answered 2xx (performance.now()), by ID (or path#ID with byPath). */
  readonly received = new Map<string, number>();
  requestCount = 0;
  /** Requests refused on purpose (failShare). */
  refused = 0;
  private behaviours: Behaviour[] = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  url = '';

  /** Judges each request as it arrives, while its timestamp is fresh. */
  check?: (request: ReceivedRequest) => boolean;
  /** How to answer this request, when it decides (else as told by `answer`). */
  answerFor?: (request: ReceivedRequest) => Behaviour | undefined;
  /** What a receiver on the same port recorded before this one took over. */
  previous: ReceivedRequest[] = [];

  private constructor(private readonly options: ReceiverOptions) {}

  static async start(options: ReceiverOptions = {}): Promise<Receiver> {
    const receiver = new Receiver(options);
    await receiver.listen(options.path ?? '/hook', options.port ?? 0);
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
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // When the request arrived: before its body is read (a busy process reads bodies late).
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received: ReceivedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt,
    };
    received.verdict = this.check?.(received);
    if (this.options.keepRequests ?? true) this.requests.push(received);
    const index = Math.min(this.requestCount++, this.behaviours.length - 1);
    let behaviour = this.answerFor?.(received) ?? this.behaviours[index] ?? { status: 200, body: 'ok' };
    if (this.options.failShare && Math.random() < this.options.failShare) {
      this.refused++;
      behaviour = { status: 500, body: 'failing on purpose' };
    }
    if (this.options.slowShare && Math.random() < this.options.slowShare) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * (this.options.slowMs ?? 500)));
    }
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
    if (behaviour.status >= 200 && behaviour.status < 300) this.noteReceipt(received);
    res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
    res.end(behaviour.body ?? '');
  }

  private noteReceipt(request: ReceivedRequest): void {
    const id = String(request.headers['webhook-id'] ?? request.headers['x-message-id'] ?? '');
    const key = this.options.byPath ? `${request.path}#${id}` : id;
    if (!this.received.has(key)) this.received.set(key, performance.now());
  }

  /** Forgets what was received (between benchmark runs). */
  reset(): void {
    this.requests.length = 0;
    this.received.clear();
    this.requestCount = 0;
    this.refused = 0;
  }

  /** Resolves once every message ID has been received, or fails after `timeoutMs` saying how many are missing. */
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
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * A receiver in a process of its own that does nothing else: it answers 200 and notes when each
 * request arrived, by its own clock. For a test whose subject is that clock (a rate limit as the
 * receiver sees it), which the test's own process, busy with its work and its garbage collection,
 * can hold back (a receiver there once noted six requests within 617 ms, their slots 1.2 s apart).
 */
export class ReceiverProcess {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    readonly url: string,
  ) {}

  static async start(): Promise<ReceiverProcess> {
    const child = spawn(process.execPath, ['-e', RECEIVER_PROGRAM], { stdio: ['pipe', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    return new ReceiverProcess(child, `http://127.0.0.1:${Number(line)}/hook`);
  }

  /** When each request arrived (ms since the epoch, noted before its body was read), with its message ID. */
  async arrivals(): Promise<{ at: number; id: string }[]> {
    const res = await fetch(new URL('/arrivals', this.url));
    return (await res.json()) as { at: number; id: string }[];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * ReceiverProcess's program: plain Node, no dependencies, the port it listens on as its first line.
 * It ends with its parent too (its stdin closes), should the test's process die without stopping it.
 */
const RECEIVER_PROGRAM = `
const http = require('node:http');
const arrivals = [];
const server = http.createServer((req, res) => {
  const at = Date.now();
  if (req.method === 'GET' && req.url === '/arrivals') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(arrivals));
  }
  req.resume();
  req.on('end', () => {
    arrivals.push({ at, id: String(req.headers['webhook-id'] || '') });
    res.end('ok');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** The receivers a test file starts, stopped together at its end. */
export class Receivers {
  private readonly started: (Receiver | ReceiverProcess)[] = [];

  async start(options: ReceiverOptions = {}): Promise<Receiver> {
    const receiver = await Receiver.start(options);
    this.started.push(receiver);
    return receiver;
  }

  async startProcess(): Promise<ReceiverProcess> {
    const receiver = await ReceiverProcess.start();
    this.started.push(receiver);
    return receiver;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.map((r) => r.stop()));
  }
}
