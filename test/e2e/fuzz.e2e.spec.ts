import { createHash } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { ApiClient } from '../support/api-client';
import { dropDatabase, startApi, startWorker } from '../support/app';
import { addEndpoint, tenantWithApplication } from '../support/webhooks';

/**
 * Property-based fuzzing of every route's body, query and path parameters: whatever arrives,
 * the answer is never a 5xx, and a rejected request changes nothing in the database.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** A JSON value of any shape, with the strings that break naive code well represented. */
const nasty = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\r\n',
    '../../etc/passwd',
    '{"$gt":""}',
    'x'.repeat(5000),
    '💥',
    'NaN',
    '-1',
    '1e309',
  ),
  fc.constantFrom(null, true, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, [], {}),
  fc.record({ $gt: fc.constant('') }),
);
/** An object with the route's own keys (anything in them) and sometimes others. */
const shaped = (keys: string[]) =>
  fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, nasty])), { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 12 }), nasty, { maxKeys: 2 }),
    )
    .map(([own, extra]) => ({ ...extra, ...own }));
const bodies = (keys: string[]) =>
  fc.oneof({ weight: 5, arbitrary: shaped(keys) }, { weight: 1, arbitrary: nasty });
const segment = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('app_', 'wh_', 'evt_x:wh_y', '%2e%2e', 'app_' + 'a'.repeat(60)),
);

describe('fuzzing every route', () => {
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let token: string;
  let appId: string;
  let endpointId: string;
  let cases = 0;

  beforeAll(async () => {
    [api, worker] = await Promise.all([startApi(), startWorker()]);
    const tenant = await tenantWithApplication(new ApiClient(api));
    token = tenant.workspace.apiToken;
    appId = tenant.app.id;
    // One attempt and no retries: an accepted request's background writes end soon (see settled).
    endpointId = (
      await addEndpoint(tenant.as, appId, {
        url: 'http://127.0.0.1:9/hook',
        retryPolicy: { maximumAttempts: 1 },
      })
    ).id;
  });

  afterAll(async () => {
    process.stdout.write(`fuzz: ${cases} cases, none answered 5xx\n`);
    await dropDatabase(api);
    await Promise.all([api?.close(), worker?.close()]);
  });

  const snapshot = async () => {
    const db = api.get<Connection>(getConnectionToken()).db!;
    const hash = createHash('sha256');
    for (const { name } of (await db.listCollections().toArray()).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      hash.update(name + JSON.stringify(await db.collection(name).find({}).sort({ _id: 1 }).toArray()));
    }
    return hash.digest('hex');
  };

  /**
   * An accepted request may go on writing after its answer (a rotation raises an event, whose
   * dispatch and delivery write): wait until the database is quiet before judging the next one.
   */
  let writesPending = false;
  const settled = async () => {
    let last = await snapshot();
    for (let i = 0; writesPending && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = await snapshot();
      if (now === last) writesPending = false;
      last = now;
    }
    return last;
  };

  const send = async (
    method: string,
    path: string,
    auth: string,
    body?: unknown,
    query?: Record<string, unknown>,
  ) => {
    const before = await settled();
    let call = request(api.getHttpServer())[method as 'post'](path).set('authorization', `Bearer ${auth}`);
    if (query) call = call.query(query as Record<string, string>);
    if (body !== undefined) call = call.set('content-type', 'application/json').send(JSON.stringify(body));
    const res = await call;
    cases++;
    if (res.status < 400) writesPending = true;
    if (res.status >= 500)
      throw new Error(
        `${method.toUpperCase()} ${path} answered ${res.status}: ${JSON.stringify(res.body)} for ${JSON.stringify(body ?? query)}`,
      );
    if (res.status >= 400) {
      expect(res.body).toMatchObject({
        statusCode: res.status,
        code: expect.any(String),
        message: expect.any(String),
      });
      if ((await snapshot()) !== before)
        throw new Error(
          `${method.toUpperCase()} ${path} was rejected (${res.status}) but changed the database`,
        );
    }
  };

  const bodyRoutes: [string, string, () => string, string[], 'operator' | 'workspace'][] = [
    ['post', 'workspaces', () => '/v1/workspaces', ['name'], 'operator'],
    [
      'post',
      'applications',
      () => '/v1/applications',
      [
        'name',
        'description',
        'redirectUrl',
        'encryptionMethod',
        'mode',
        'cryptoKeyRotation',
        'encryptWebhooks',
      ],
      'workspace',
    ],
    [
      'patch',
      'application',
      () => `/v1/applications/${appId}`,
      ['name', 'description', 'redirectUrl', 'encryptionMethod', 'cryptoKeyRotation', 'encryptWebhooks'],
      'workspace',
    ],
    ['post', 'rotate', () => `/v1/applications/${appId}/crypto-key/rotate`, ['graceWindow'], 'workspace'],
    [
      'put',
      'schedule',
      () => `/v1/applications/${appId}/crypto-key/rotation-schedule`,
      ['every', 'graceWindow'],
      'workspace',
    ],
    [
      'post',
      'webhooks',
      () => `/v1/applications/${appId}/webhooks`,
      ['name', 'url', 'headers', 'eventTypes', 'enabled', 'retryPolicy'],
      'workspace',
    ],
    [
      'patch',
      'webhook',
      () => `/v1/applications/${appId}/webhooks/${endpointId}`,
      ['name', 'url', 'headers', 'eventTypes', 'enabled', 'retryPolicy'],
      'workspace',
    ],
    [
      'post',
      'secret rotate',
      () => `/v1/applications/${appId}/webhooks/${endpointId}/secret/rotate`,
      ['overlap'],
      'workspace',
    ],
    [
      'post',
      'recover',
      () => `/v1/applications/${appId}/webhooks/${endpointId}/recover`,
      ['since'],
      'workspace',
    ],
    [
      'post',
      'events',
      () => `/v1/applications/${appId}/events`,
      ['eventType', 'data', 'encryptedData', 'idempotencyKey'],
      'workspace',
    ],
  ];

  it.each(bodyRoutes)('%s %s: any body', async (method, _, path, keys, who) => {
    const auth = who === 'operator' ? process.env.ADMIN_TOKEN! : token;
    await fc.assert(
      fc.asyncProperty(bodies(keys), (body) => send(method, path(), auth, body)),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['applications', (): string => '/v1/applications', ['mode', 'limit', 'cursor']],
    [
      'deliveries',
      (): string => `/v1/applications/${appId}/deliveries`,
      ['status', 'eventType', 'webhookId', 'limit', 'cursor'],
    ],
    [
      'failed deliveries',
      (): string => `/v1/applications/${appId}/webhooks/failed-deliveries`,
      ['eventType', 'webhookId', 'from', 'to', 'limit', 'cursor'],
    ],
  ] as const)('GET %s: any query', async (_, path, keys) => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('0', '-1', '101', '1e3', 'garbage', '2026-13-45T99:99:99Z'),
    );
    const query = fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(query, (q) => send('get', path(), token, undefined, q)),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['get', 'application', (s: string) => `/v1/applications/${s}`],
    ['get', 'credentials', (s: string) => `/v1/applications/${s}/credentials`],
    ['get', 'webhook', (s: string) => `/v1/applications/${appId}/webhooks/${s}`],
    ['get', 'delivery', (s: string) => `/v1/applications/${appId}/deliveries/${s}`],
    ['post', 'delivery retry', (s: string) => `/v1/applications/${appId}/deliveries/${s}/retry`],
    ['delete', 'webhook', (s: string) => `/v1/applications/${appId}/webhooks/${s}`],
  ] as const)('%s %s: any path parameter', async (method, _, path) => {
    await fc.assert(
      fc.asyncProperty(segment, (s) => send(method, path(encodeURIComponent(s)), token)),
      { numRuns: RUNS },
    );
  });
});
