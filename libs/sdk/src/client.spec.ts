import { ApiError } from './errors.ts';
import { Client } from './client.ts';

/** A fetch that answers from a script, one answer per request, and records what was asked. */
function scripted(answers: (() => Response)[]) {
  const requests: { url: string; body: string | null }[] = [];
  const fetch = async (input: Request) => {
    requests.push({ url: input.url, body: input.body ? await input.text() : null });
    const next = answers.shift();
    if (!next) throw new Error('no more answers scripted');
    return next();
  };
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
}
const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const networkDown = () => {
  throw new TypeError('fetch failed');
};

describe('SDK client (pure: a scripted fetch)', () => {
  const options = { baseUrl: 'http://api.test/', token: 'wst_x', retryDelayMs: 1 };

  it('sends an event again after a network error and a 503, under one idempotency key it made', async () => {
    const { fetch, requests } = scripted([
      networkDown,
      json(503, { statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'try later' }),
      json(202, { eventId: 'evt_1' }),
    ]);
    const client = new Client({ ...options, fetch });
    const accepted = await client.events.send('app_1', { eventType: 'APPLICANT_COMPLETED', data: { a: 1 } });
    expect(accepted).toEqual({ eventId: 'evt_1' });
    expect(requests).toHaveLength(3);
    const keys = requests.map((r) => JSON.parse(r.body!).idempotencyKey as string);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[0].url).toBe('http://api.test/v1/applications/app_1/events');
  });

  it('never sends a 4xx again, and says what the API said', async () => {
    const { fetch, requests } = scripted([
      json(400, {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'eventType must be one of …',
        details: [{ field: 'eventType', problems: ['eventType must be one of …'] }],
      }),
    ]);
    const failure = await new Client({ ...options, fetch }).events
      .send('app_1', { eventType: 'APPLICANT_COMPLETED' }, { idempotencyKey: 'k1' })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', retryable: false });
    expect((failure as ApiError).details).toEqual([
      { field: 'eventType', problems: ['eventType must be one of …'] },
    ]);
    expect(requests).toHaveLength(1);
  });

  it('gives up after its attempts, and does not repeat a change that is not safe to repeat', async () => {
    const down = scripted([networkDown, networkDown]);
    await expect(
      new Client({ ...options, attempts: 2, fetch: down.fetch }).applications.get('app_1'),
    ).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect(down.requests).toHaveLength(2);
    const once = scripted([json(500, { statusCode: 500, code: 'INTERNAL', message: 'x' })]);
    await expect(
      new Client({ ...options, fetch: once.fetch }).webhooks.test('app_1', 'wh_1'),
    ).rejects.toMatchObject({ status: 500 });
    expect(once.requests).toHaveLength(1);
  });

  it('walks every page of failed deliveries', async () => {
    const row = (eventId: string) => ({
      eventId,
      eventType: 'APPLICANT_COMPLETED',
      errorMessage: 'HTTP 500',
    });
    const { fetch, requests } = scripted([
      json(200, { items: [row('evt_1'), row('evt_2')], nextCursor: 'c2' }),
      json(200, { items: [row('evt_3')], nextCursor: null }),
    ]);
    const seen: string[] = [];
    for await (const failed of new Client({ ...options, fetch }).deliveries.failed('app_1', { limit: 2 }))
      seen.push(failed.eventId);
    expect(seen).toEqual(['evt_1', 'evt_2', 'evt_3']);
    expect(new URL(requests[1].url).searchParams.get('cursor')).toBe('c2');
    expect(new URL(requests[1].url).searchParams.get('limit')).toBe('2');
  });
});
