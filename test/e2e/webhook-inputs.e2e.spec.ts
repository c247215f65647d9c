import { encryptJson } from '../../libs/crypto/envelope';
import { docSnippet } from '../support/doc-snippets';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import {
  addWebhook,
  pendingDelivery,
  finishedDelivery,
  sendEvent,
  tenantWithApplication,
} from '../support/webhooks';

/** The recipients' decryption snippet, run as written (see test/docs). */
const docsDecrypt = () =>
  docSnippet<(envelope: unknown, key: string, applicationId: string) => unknown>(
    'receivers.md',
    'recipient-decrypt',
    'decryptEnvelope',
  );

describe('webhook inputs: webhooks, events, encryption, SSRF, health', () => {
  // Webhooks whose every delivery fails for 2 s are disabled here (5 days in production).
  const stack = useStack({
    api: { WEBHOOK_ENDPOINT_DISABLE_AFTER: '2s' },
    worker: { WEBHOOK_ENDPOINT_DISABLE_AFTER: '2s' },
  });
  const { receivers, db } = stack;
  const receiver = () => receivers.start();

  const count = (collection: string) => db().collection(collection).countDocuments();

  describe('bad webhook input gets a 400 naming the field, and stores nothing', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['no name', { url: 'https://example.com/h' }, 'name'],
      ['no url', { name: 'n' }, 'url'],
      ['relative url', { name: 'n', url: '/hook' }, 'url'],
      ['ftp url', { name: 'n', url: 'ftp://example.com/h' }, 'url'],
      ['credentials in the url', { name: 'n', url: 'https://u:p@example.com/h' }, 'url'],
      [
        'a Host header',
        { name: 'n', url: 'https://example.com/h', headers: [{ key: 'Host', value: 'evil' }] },
        'headers.0.key',
      ],
      [
        'a webhook-* header',
        { name: 'n', url: 'https://example.com/h', headers: [{ key: 'webhook-signature', value: 'v1,x' }] },
        'headers.0.key',
      ],
      [
        'a header with CRLF',
        { name: 'n', url: 'https://example.com/h', headers: [{ key: 'X-A', value: 'a\r\nX-B: b' }] },
        'headers.0.value',
      ],
      [
        'a bad header name',
        { name: 'n', url: 'https://example.com/h', headers: [{ key: 'X A', value: 'v' }] },
        'headers.0.key',
      ],
      [
        '21 headers',
        {
          name: 'n',
          url: 'https://example.com/h',
          headers: Array.from({ length: 21 }, (_, i) => ({ key: `X-${i}`, value: 'v' })),
        },
        'headers',
      ],
      [
        'an unknown event type',
        { name: 'n', url: 'https://example.com/h', eventTypes: ['APPLICANT_DELETED'] },
        'eventTypes',
      ],
      [
        'a lower-case event type',
        { name: 'n', url: 'https://example.com/h', eventTypes: ['applicant_created'] },
        'eventTypes',
      ],
      [
        'a retry schedule too fast',
        { name: 'n', url: 'https://example.com/h', retryPolicy: { schedule: ['PT0.1S'] } },
        'retryPolicy.schedule',
      ],
      [
        'a retry schedule too long',
        { name: 'n', url: 'https://example.com/h', retryPolicy: { schedule: Array(8).fill('P1D') } },
        'retryPolicy',
      ],
      [
        'too many attempts',
        { name: 'n', url: 'https://example.com/h', retryPolicy: { maximumAttempts: 50 } },
        'retryPolicy.maximumAttempts',
      ],
      [
        'schedule and backoff at once',
        { name: 'n', url: 'https://example.com/h', retryPolicy: { schedule: ['PT5S'], maximumAttempts: 3 } },
        'retryPolicy',
      ],
      [
        'a signing secret of its own',
        { name: 'n', url: 'https://example.com/h', secret: 'whsec_mine' },
        'secret',
      ],
    ];
    it.each(cases)('%s', async (_, body, field) => {
      const { app, as } = await tenantWithApplication(stack.client);
      const before = await count('webhooks');
      const res = await as.post(`/v1/applications/${app.id}/webhooks`, body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await count('webhooks')).toBe(before);
    });

    it('requires https in live mode', async () => {
      const { app, as } = await tenantWithApplication(stack.client, { mode: 'live' });
      const res = await as
        .post(`/v1/applications/${app.id}/webhooks`, { name: 'n', url: 'http://127.0.0.1/h' })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'url', problems: ['url must use https in live mode'] }]);
    });
  });

  describe('bad events get a 4xx and deliver nothing', () => {
    it.each([
      ['no event type', {}, 'eventType'],
      ['an operational event type', { eventType: 'WEBHOOK_ENDPOINT_DISABLED' }, 'eventType'],
      ['data that is not an object', { eventType: 'APPLICANT_CREATED', data: 'text' }, 'data'],
      [
        'data and encryptedData',
        { eventType: 'APPLICANT_CREATED', data: {}, encryptedData: {} },
        'encryptedData',
      ],
      [
        'an envelope that is not one',
        { eventType: 'APPLICANT_CREATED', encryptedData: { alg: 'ROT13' } },
        'encryptedData',
      ],
      [
        'a bad idempotency key',
        { eventType: 'APPLICANT_CREATED', idempotencyKey: 'has space' },
        'idempotencyKey',
      ],
      ['an event ID of its own', { eventType: 'APPLICANT_CREATED', eventId: 'evt_mine' }, 'eventId'],
    ])('%s', async (_, body, field) => {
      const { app, as } = await tenantWithApplication(stack.client);
      const res = await as.post(`/v1/applications/${app.id}/events`, body).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('answers 413 for a body over 256 KB', async () => {
      const { app, as } = await tenantWithApplication(stack.client);
      const res = await as
        .post(`/v1/applications/${app.id}/events`, {
          eventType: 'APPLICANT_CREATED',
          data: { blob: 'x'.repeat(300 * 1024) },
        })
        .expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  it('accepts encryptedData made with the Crypto Key, decrypting it before it is accepted', async () => {
    const { app, as } = await tenantWithApplication(stack.client, { encryptionMethod: 'AES-256-CBC' });
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const material = Buffer.from(app.credentials.cryptoKey, 'base64');
    const envelope = encryptJson(
      { applicantId: 'appl_9', score: 0.97 },
      'AES-256-CBC',
      { material, version: 1 },
      app.id,
    );
    const eventId = await sendEvent(as, app.id, { data: undefined, encryptedData: envelope });
    await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(JSON.parse(target.requests[0].body).data).toEqual({ applicantId: 'appl_9', score: 0.97 });

    const tampered = { ...envelope, ciphertext: Buffer.from('tampered').toString('base64') };
    const bad = await as
      .post(`/v1/applications/${app.id}/events`, { eventType: 'APPLICANT_CREATED', encryptedData: tampered })
      .expect(400);
    expect(bad.body.details[0].field).toBe('encryptedData');
    const otherKey = encryptJson(
      { a: 1 },
      'AES-256-CBC',
      { material: Buffer.alloc(32, 1), version: 1 },
      app.id,
    );
    await as
      .post(`/v1/applications/${app.id}/events`, { eventType: 'APPLICANT_CREATED', encryptedData: otherKey })
      .expect(400);
    const wrongVersion = encryptJson({ a: 1 }, 'AES-256-CBC', { material, version: 5 }, app.id);
    const unknown = await as
      .post(`/v1/applications/${app.id}/events`, {
        eventType: 'APPLICANT_CREATED',
        encryptedData: wrongVersion,
      })
      .expect(400);
    expect(unknown.body.message).toContain('version 5 does not exist');
  });

  it('encrypts webhooks when the application asks, decryptable with the receivers’ guide’s code', async () => {
    const { app, as } = await tenantWithApplication(stack.client, { encryptWebhooks: true });
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const eventId = await sendEvent(as, app.id, { data: { applicantId: 'appl_secret' } });
    await finishedDelivery(as, app.id, eventId, webhook.id);
    const body = JSON.parse(target.requests[0].body);
    expect(body.data).toBeUndefined();
    expect(target.requests[0].body).not.toContain('appl_secret');
    expect(body.encryptedData).toMatchObject({ alg: 'AES-256-GCM', kid: 1 });
    expect(docsDecrypt()(body.encryptedData, app.credentials.cryptoKey, app.id)).toEqual({
      applicantId: 'appl_secret',
    });
  });

  it('disables a webhook whose every delivery has failed for the configured period, and emits the event', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const [failing, watcher] = [(await receiver()).answer({ status: 500 }), await receiver()];
    const webhook = await addWebhook(as, app.id, {
      url: failing.url,
      eventTypes: ['APPLICANT_CREATED'],
      retryPolicy: { schedule: ['PT1S', 'PT1S', 'PT1S', 'PT1S'] },
    });
    await addWebhook(as, app.id, { url: watcher.url, eventTypes: ['WEBHOOK_ENDPOINT_DISABLED'] });
    const eventId = await sendEvent(as, app.id, { eventType: 'APPLICANT_CREATED' });
    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery.status).toBe('failed');
    expect(delivery.attemptCount).toBeGreaterThanOrEqual(3);
    const shown = await as.get(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(200);
    expect(shown.body.enabled).toBe(false);
    expect(shown.body.disabledReason).toMatch(/^every delivery failed since /);
    await pollUntil(
      async () => watcher.requests.length,
      (n) => n === 1,
    );
    expect(JSON.parse(watcher.requests[0].body)).toMatchObject({
      type: 'WEBHOOK_ENDPOINT_DISABLED',
      data: { webhookId: webhook.id },
    });
  });

  it('deleting the application cancels its pending deliveries and removes its webhooks', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const { webhook, eventId } = await pendingDelivery(as, app.id, target);
    // An event about a subject too: its data key goes with the application.
    await sendEvent(as, app.id, { subject: 'appl_1' });
    await pollUntil(
      async () => target.requests.length,
      (n) => n === 2,
    );
    expect(await db().collection('subject_keys').countDocuments({ applicationId: app.id })).toBe(1);
    await as.delete(`/v1/applications/${app.id}`).expect(204);
    for (const collection of [
      'webhooks',
      'webhook_secrets',
      'webhook_events',
      'webhook_deliveries',
      'webhook_attempts',
      'subject_keys',
    ]) {
      const left = await db()
        .collection<{ _id: string }>(collection)
        .countDocuments({
          $or: [{ applicationId: app.id }, { webhookId: webhook.id }, { _id: eventId }],
        });
      expect({ collection, left }).toEqual({ collection, left: 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests).toHaveLength(2);
  });
});

describe('server-side request forgery guard (switch off, as in production)', () => {
  const guarded = { WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'false' };
  const stack = useStack({ api: guarded, worker: guarded });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://localhost/hook',
  ])('refuses %s when it is saved, naming why', async (url) => {
    const { app, as } = await tenantWithApplication(stack.client);
    const res = await as.post(`/v1/applications/${app.id}/webhooks`, { name: 'n', url }).expect(400);
    expect(res.body.details).toEqual([
      {
        field: 'url',
        problems: [
          expect.stringMatching(/^url is refused: .*webhooks go only to public internet addresses$/),
        ],
      },
    ]);
  });
});
