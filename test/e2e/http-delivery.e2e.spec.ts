import { createServer } from 'node:net';
import { freePort } from '../../scripts/stack/ports';
import { postWebhook, RESPONSE_BODY_LIMIT } from '../../libs/webhooks/http-delivery';
import { Receiver } from '../support/receiver';

/** One attempt against real receivers on loopback: what each failure reads as. */
describe('postWebhook', () => {
  let receiver: Receiver;
  const attempt = (url = receiver.url, timeoutMs = 2_000, allowPrivateTargets = true) =>
    postWebhook({
      url,
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: '{"a":1}',
      timeoutMs,
      allowPrivateTargets,
    });

  beforeEach(async () => {
    receiver = await Receiver.start();
  });
  afterEach(() => receiver.stop());

  it('succeeds on 2xx and sends the body and headers as given', async () => {
    receiver.answer({ status: 204 });
    expect(await attempt()).toMatchObject({ statusCode: 204, error: null });
    expect(receiver.requests[0]).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { 'x-custom': 'yes' },
    });
  });

  it('fails on 4xx and 5xx with the status and the start of the answer', async () => {
    receiver.answer({ status: 500, body: 'Expired document\n' });
    expect(await attempt()).toMatchObject({
      statusCode: 500,
      error: 'HTTP 500: Expired document',
      responseBody: 'Expired document\n',
    });
    receiver.answer({ status: 400, body: 'x'.repeat(10_000) });
    const big = await attempt();
    expect(big.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
    expect(big.error!.length).toBeLessThan(220);
  });

  it('does not follow redirects', async () => {
    const target = await Receiver.start();
    receiver.answer({ status: 302, headers: { location: target.url } });
    expect(await attempt()).toMatchObject({ statusCode: 302, error: 'HTTP 302' });
    expect(target.requests).toHaveLength(0);
    await target.stop();
  });

  it('reads Retry-After on 429 and 503, within bounds', async () => {
    receiver.answer({ status: 429, headers: { 'retry-after': '120' } });
    expect((await attempt()).retryAfterMs).toBe(120_000);
    receiver.answer({ status: 503, headers: { 'retry-after': '0' } });
    expect((await attempt()).retryAfterMs).toBe(1_000);
    receiver.answer({ status: 503, headers: { 'retry-after': String(10 * 24 * 3600) } });
    expect((await attempt()).retryAfterMs).toBe(24 * 3_600_000);
    receiver.answer({ status: 500, headers: { 'retry-after': '120' } });
    expect((await attempt()).retryAfterMs).toBeNull();
  });

  it('times out a receiver that never answers, and one that drips its answer, within one deadline', async () => {
    receiver.answer({ hangMs: 5_000 });
    const hung = await attempt(receiver.url, 500);
    expect(hung.error).toBe('timeout after 0.5 s');
    expect(hung.durationMs).toBeLessThan(1_500);
    receiver.answer({ dripMs: 50 });
    const dripping = await attempt(receiver.url, 800);
    expect(dripping.error).toBe('timeout after 0.8 s');
    expect(dripping.durationMs).toBeLessThan(1_800);
  });

  it('names refused connections and receivers that hang up', async () => {
    expect((await attempt(`http://127.0.0.1:${await freePort()}/hook`)).error).toBe('connection refused');
    receiver.answer({ destroy: true });
    expect((await attempt()).error).toBe('connection closed by the receiver before it answered');
  });

  it('names a TLS failure', async () => {
    const plain = createServer((socket) => socket.end('not tls\r\n\r\n'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as { port: number }).port;
    expect((await attempt(`https://127.0.0.1:${port}/hook`)).error).toMatch(/^TLS error: /);
    plain.close();
  });

  it.each([
    'http://127.0.0.1:1/x',
    'http://10.0.0.1/x',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:1/x',
    'http://[::ffff:127.0.0.1]:1/x',
    'http://localhost:1/x',
  ])('refuses %s when private targets are not allowed, without connecting', async (url) => {
    const result = await attempt(url, 2_000, false);
    expect(result.error).toMatch(/^refused: /);
    expect(result.statusCode).toBeNull();
  });

  it('refuses a name that resolves to a private address, sending nothing', async () => {
    const result = await attempt(receiver.url.replace('127.0.0.1', 'localhost'), 2_000, false);
    expect(result.error).toMatch(/^refused: localhost resolves to/);
    expect(receiver.requests).toHaveLength(0);
  });
});
