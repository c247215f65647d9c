import { Agent, Dispatcher, request } from 'undici';
import { assertPublicTarget, guardedLookup, TargetRefusedError } from './target-guard';

/** How much of a receiver's answer is kept, for the person reading the attempt. */
export const RESPONSE_BODY_LIMIT = 4096;
const RETRY_AFTER_BOUNDS_MS = { min: 1_000, max: 24 * 3_600_000 };

export interface HttpAttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** One deadline for the whole attempt: connecting, sending, and reading the answer. */
  timeoutMs: number;
  /** Development and tests only: allows loopback and private targets. */
  allowPrivateTargets: boolean;
}

export interface HttpAttemptResult {
  statusCode: number | null;
  /** The first 4 KB of the answer. */
  responseBody: string | null;
  durationMs: number;
  /** Null when the receiver answered 2xx; else what a person can act on. */
  error: string | null;
  /** No answer within the deadline (connecting, sending or reading). */
  timedOut: boolean;
  retryAfterMs: number | null;
}

/** Connection pools: one that dials only public addresses (checked after resolution), one open. */
const agents: { guarded?: Agent; open?: Agent } = {};
const agentFor = (allowPrivateTargets: boolean): Dispatcher =>
  allowPrivateTargets
    ? (agents.open ??= new Agent())
    : (agents.guarded ??= new Agent({ connect: { lookup: guardedLookup } }));

/** Closes the connection pools (at worker shutdown); the next attempt opens new ones. */
export async function closeHttpDelivery(): Promise<void> {
  const open = Object.values(agents);
  agents.guarded = agents.open = undefined;
  await Promise.all(open.map((agent) => agent?.close()));
}

/**
 * POSTs one webhook attempt. Never throws for what the receiver did: refused connections,
 * timeouts, TLS and DNS errors and non-2xx answers come back as `error`. Redirects are not
 * followed. Without `allowPrivateTargets`, the target is checked before and after DNS resolution.
 */
export async function postWebhook(req: HttpAttemptRequest): Promise<HttpAttemptResult> {
  const started = Date.now();
  const done = (fields: Partial<HttpAttemptResult>): HttpAttemptResult => ({
    statusCode: null,
    responseBody: null,
    error: null,
    retryAfterMs: null,
    timedOut: false,
    ...fields,
    durationMs: Date.now() - started,
  });
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const url = new URL(req.url);
    if (!req.allowPrivateTargets) await assertPublicTarget(url);
    const response = await request(url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: agentFor(req.allowPrivateTargets),
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const responseBody = await readAtMost(response.body, RESPONSE_BODY_LIMIT);
    const statusCode = response.statusCode;
    if (statusCode >= 200 && statusCode < 300) return done({ statusCode, responseBody });
    return done({
      statusCode,
      responseBody,
      error: `HTTP ${statusCode}${summary(responseBody) ? `: ${summary(responseBody)}` : ''}`,
      retryAfterMs:
        statusCode === 429 || statusCode === 503 ? retryAfter(response.headers['retry-after']) : null,
    });
  } catch (err) {
    return done({ error: describeFailure(err, signal, req.timeoutMs), timedOut: timedOut(err, signal) });
  }
}

/** Reads up to `limit` bytes of a body, then drops the rest (and the connection's remainder). */
async function readAtMost(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk as Uint8Array);
    chunks.push(buffer.subarray(0, limit - size));
    size += buffer.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The answer on one line, short: `HTTP 500: Expired document`. */
function summary(body: string | null): string {
  return (body ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
}

function retryAfter(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  if (Number.isNaN(ms)) return null;
  return Math.min(Math.max(ms, RETRY_AFTER_BOUNDS_MS.min), RETRY_AFTER_BOUNDS_MS.max);
}

const TIMEOUT_CODES = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'];

const errorCode = (err: unknown): string | undefined =>
  (err as { code?: string }).code ??
  ((err as { cause?: unknown }).cause as { code?: string } | undefined)?.code;

function timedOut(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || TIMEOUT_CODES.includes(errorCode(err) ?? '');
}

function describeFailure(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (timedOut(err, signal)) return `timeout after ${timeoutMs / 1000} s`;
  if (err instanceof TargetRefusedError) return err.message;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof TargetRefusedError) return cause.message;
  const code = errorCode(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed by the receiver before it answered';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'DNS lookup failed: the host does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/certificate|ssl|tls/i.test(`${code} ${message}`)) return `TLS error: ${message.split('\n')[0]}`;
  return message.split('\n')[0].slice(0, 200);
}
