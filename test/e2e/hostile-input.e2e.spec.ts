import type { AddressInfo } from 'node:net';
import { encryptJsonText } from '../../libs/crypto/envelope';
import { MAX_JSON_DEPTH } from '../../libs/http/json-limits';
import { pollUntil } from '../support/poll';
import { rawRequest } from '../support/raw-http';
import { addWebhook, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

/**
 * The second red-team round's findings about input, kept as regressions: one payload validated
 * the same whatever its envelope, subjects that cannot climb out of their URL, idempotency that
 * does not raise the dead, bounds on what a request may declare, and secrets no cache keeps.
 * (Its concurrency findings are in concurrency.e2e.spec.ts.)
 */
describe('hostile input (real Temporal and FerretDB)', () => {
  const stack = useStack();

  /** JSON text nested `depth` levels below the root object: {"a":{"a":…1…}}. */
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('opened encryptedData passes exactly the rules plain data passes: depth and numbers', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const key = { material: Buffer.from(app.credentials.cryptoKey, 'base64'), version: 1 };
    const sealed = (json: string) => encryptJsonText(json, 'AES-256-GCM', key, app.id);
    const send = (body: object) => as.post(`/v1/applications/${app.id}/events`, body);
    const plain = (text: string) =>
      as
        .post(`/v1/applications/${app.id}/events`)
        .set('content-type', 'application/json')
        .send(`{"eventType":"APPLICANT_COMPLETED","data":${text}}`);

    // `data` sits one level below the body's root: the deepest data accepted either way.
    const deepest = nested(MAX_JSON_DEPTH - 1);
    await plain(deepest).expect(202);
    await send({ eventType: 'APPLICANT_COMPLETED', encryptedData: sealed(deepest) }).expect(202);
    for (const text of [nested(MAX_JSON_DEPTH), nested(70)]) {
      expect((await plain(text)).body.code).toBe('JSON_TOO_DEEP');
      const refused = await send({ eventType: 'APPLICANT_COMPLETED', encryptedData: sealed(text) }).expect(
        400,
      );
      expect(refused.body).toMatchObject({ code: 'JSON_TOO_DEEP', details: [{ field: 'encryptedData' }] });
    }
    // Deep enough to overflow recursive code downstream: refused, not a 500.
    const far = await send({ eventType: 'APPLICANT_COMPLETED', encryptedData: sealed(nested(20_000)) });
    expect(far.status).toBe(400);
    const huge = '{"score":1e400}';
    expect((await plain(huge)).body.details).toEqual([
      { field: 'data.score', problems: [expect.any(String)] },
    ]);
    const hugeSealed = await send({ eventType: 'APPLICANT_COMPLETED', encryptedData: sealed(huge) }).expect(
      400,
    );
    expect(hugeSealed.body.details).toEqual([
      { field: 'encryptedData.score', problems: [expect.any(String)] },
    ]);
  });

  it('refuses a subject of dots alone, which a URL would resolve away (…/subjects/.. is the application)', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    for (const subject of ['.', '..', '...']) {
      const refused = await as
        .post(`/v1/applications/${app.id}/events`, { eventType: 'APPLICANT_COMPLETED', data: {}, subject })
        .expect(400);
      expect(refused.body.details[0]).toMatchObject({ field: 'subject' });
    }
    await as
      .post(`/v1/applications/${app.id}/events`, {
        eventType: 'APPLICANT_COMPLETED',
        data: {},
        subject: 'a..b',
      })
      .expect(202);
    // Sent as written (not resolved), the erasure route refuses it too; the application stays.
    await as.delete(`/v1/applications/${app.id}/subjects/%2e%2e`).expect(400);
    await as.get(`/v1/applications/${app.id}`).expect(200);
  });

  it('does not bring back a deleted application for its Idempotency-Key; a replay that hands out keys is audited', async () => {
    const { as } = await tenantWithApplication(stack.client);
    const create = () =>
      as
        .post('/v1/applications', { name: 'Once', encryptionMethod: 'AES-256-GCM' })
        .set('idempotency-key', 'create-once');
    const first = await create().expect(201);
    const id = first.body.id as string;
    await pollUntil(
      async () => (await as.get(`/v1/applications/${id}`)).body.status,
      (status) => status === 'active',
    );
    const replay = await create().expect(201);
    expect(replay.body.id).toBe(id);
    const audit = await as.get(`/v1/applications/${id}/audit-events`).expect(200);
    const reads = audit.body.items.filter(
      (e: { action: string; details: { via?: string } }) =>
        e.action === 'credentials.read' && e.details.via === 'create',
    );
    expect(reads).toHaveLength([first, replay].filter((answer) => answer.body.credentials).length);
    expect(replay.body.credentials).toBeDefined();

    await as.delete(`/v1/applications/${id}`);
    await pollUntil(
      async () => (await as.get(`/v1/applications/${id}`)).status,
      (status) => status === 404,
    );
    const afterDeletion = await create().expect(409);
    expect(afterDeletion.body).toMatchObject({
      code: 'APPLICATION_DELETED',
      details: { field: 'Idempotency-Key' },
    });
    await as.get(`/v1/applications/${id}`).expect(404);
  });

  it('refuses a NUL character in any text it would store, naming the field, and changes nothing', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const webhook = await addWebhook(as, app.id, { url: 'http://127.0.0.1:9/h' });
    const before = [
      (await as.get(`/v1/applications/${app.id}`).expect(200)).body,
      (await as.get(`/v1/applications/${app.id}/webhooks`).expect(200)).body,
    ];
    const requests: [() => Promise<{ status: number; body: unknown }>, string][] = [
      [() => stack.client.operator.post('/v1/workspaces', { name: 'w\u0000' }), 'name'],
      [() => as.post('/v1/applications', { name: 'a\u0000b', encryptionMethod: 'AES-256-GCM' }), 'name'],
      [() => as.patch(`/v1/applications/${app.id}`, { description: 'a\u0000b' }), 'description'],
      [() => as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { name: '\u0000' }), 'name'],
      [
        () =>
          as.post(`/v1/applications/${app.id}/webhooks`, {
            name: 'x',
            url: 'http://127.0.0.1:9/h',
            filter: { a: '\u0000' },
          }),
        'filter.a',
      ],
      [
        () =>
          as.post(`/v1/applications/${app.id}/webhooks`, {
            name: 'x',
            url: 'http://127.0.0.1:9/h',
            filter: { 'a\u0000': 1 },
          }),
        'filter.a\u0000',
      ],
      [() => as.get(`/v1/applications?search=a%00`), 'search'],
    ];
    for (const [send, field] of requests) {
      const res = await send();
      expect([res.status, (res.body as { details?: { field: string }[] }).details?.[0]?.field]).toEqual([
        400,
        field,
      ]);
      expect(JSON.stringify(res.body)).toContain('NUL character');
    }
    expect([
      (await as.get(`/v1/applications/${app.id}`).expect(200)).body,
      (await as.get(`/v1/applications/${app.id}/webhooks`).expect(200)).body,
    ]).toEqual(before);
    // Event data is opaque and sealed: kept as sent, NUL included.
    await as
      .post(`/v1/applications/${app.id}/events`, {
        eventType: 'APPLICANT_COMPLETED',
        data: { note: 'a\u0000b' },
      })
      .expect(202);
  });

  it('answers a declared 10 GB body with 413 at once, and closes the connection', async () => {
    const { port } = stack.api.getHttpServer().address() as AddressInfo;
    const started = Date.now();
    const answer = await rawRequest(
      port,
      'POST /v1/workspaces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${10 * 1024 ** 3}\r\n\r\n` +
        '{"name":"' +
        'x'.repeat(1000),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a retry policy whose maximum interval is below its initial one, naming both', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const refused = await as
      .post(`/v1/applications/${app.id}/webhooks`, {
        name: 'backoff',
        url: 'https://example.com/hook',
        retryPolicy: { initialInterval: 'PT10S', maximumInterval: 'PT1S' },
      })
      .expect(400);
    expect(refused.body.details).toEqual([
      {
        field: 'retryPolicy.maximumInterval',
        problems: [expect.stringContaining('initialInterval (PT10S)')],
      },
    ]);
    const list = await as.get(`/v1/applications/${app.id}/webhooks`).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('masks header values named like credentials by one rule (X-APIKEY, X-AccessKey), and keeps them sealed', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const webhook = await addWebhook(as, app.id, {
      url: 'https://example.com/hook',
      headers: [
        { key: 'X-APIKEY', value: 'apikey-value-123456' },
        { key: 'X-AccessKey', value: 'access-value-654321' },
        { key: 'X-Tenant', value: 'acme' },
      ],
    });
    const shown = await as.get(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(200);
    expect(shown.body.headers).toEqual([
      { key: 'X-APIKEY', value: '••••••••3456' },
      { key: 'X-AccessKey', value: '••••••••4321' },
      { key: 'X-Tenant', value: 'acme' },
    ]);
  });

  it('lets no cache keep an answer: Cache-Control no-store and no ETag, on secrets and on lists', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const webhook = await addWebhook(as, app.id, { url: 'https://example.com/hook' });
    for (const path of [
      `/v1/applications/${app.id}/credentials`,
      `/v1/applications/${app.id}/webhooks/${webhook.id}/secret`,
      `/v1/applications/${app.id}`,
      '/v1/applications',
    ]) {
      const res = await as.get(path).expect(200);
      expect([path, res.headers['cache-control']]).toEqual([path, 'no-store']);
      expect([path, res.headers.etag]).toEqual([path, undefined]);
    }
  });

  it('pages the audit log, so the oldest record (a credentials.read) can be reached', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    for (let i = 0; i < 24; i++)
      await as.post(`/v1/applications/${app.id}/private-app-key/regenerate`).expect(200);
    const seen: { action: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { action: string }[]; nextCursor: string | null } } = await as
        .get(`/v1/applications/${app.id}/audit-events?limit=10${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(10);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((e) => e.action === 'private_app_key.regenerated')).toHaveLength(24);
    expect(seen.at(-1)?.action).toBe('application.created');
    expect(seen.map((e) => e.action)).toContain('credentials.read');
  });
});
