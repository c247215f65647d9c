import request from 'supertest';
import { useStack } from '../support/stack';
import { addWebhook } from '../support/webhooks';

/**
 * Bad input on every route that takes one: a 400 naming the field and what to fix, never a 5xx,
 * and nothing changed (the database is compared whole before and after).
 */
describe('bad input on every route', () => {
  const stack = useStack();
  let workspace: { id: string; apiToken: string };
  let appId: string;
  let webhookId: string;

  beforeAll(async () => {
    workspace = await stack.client.createWorkspace();
    appId = (await stack.client.createApplication(workspace.apiToken, { name: 'Target' })).id;
    const as = stack.client.as(workspace.apiToken);
    webhookId = (await addWebhook(as, appId, { url: 'https://example.com/hooks' })).id;
  });
  const FUTURE = new Date(Date.now() + 60 * 60_000).toISOString();

  const snapshot = async () => {
    const db = stack.db();
    const collections = (await db.listCollections().toArray()).map((c) => c.name).sort();
    const all: Record<string, unknown> = {};
    for (const name of collections) all[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    return JSON.stringify(all);
  };

  type Case = [
    string,
    'operator' | 'workspace',
    'post' | 'patch' | 'put' | 'get',
    () => string,
    unknown,
    string,
  ];
  const cases: Case[] = [
    ['workspace without name', 'operator', 'post', () => '/v1/workspaces', {}, 'name'],
    [
      'workspace with a long name',
      'operator',
      'post',
      () => '/v1/workspaces',
      { name: 'x'.repeat(101) },
      'name',
    ],
    ['workspace with an id', 'operator', 'post', () => '/v1/workspaces', { name: 'w', id: 'ws_mine' }, 'id'],
    [
      'rotate a malformed workspace id',
      'operator',
      'post',
      () => '/v1/workspaces/nope/api-token/rotate',
      {},
      'id',
    ],
    ['PATCH a blank name', 'workspace', 'patch', () => `/v1/applications/${appId}`, { name: ' ' }, 'name'],
    ['PATCH the mode', 'workspace', 'patch', () => `/v1/applications/${appId}`, { mode: 'live' }, 'mode'],
    ['PATCH a null name', 'workspace', 'patch', () => `/v1/applications/${appId}`, { name: null }, 'name'],
    [
      'PATCH a null encryption method',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}`,
      { encryptionMethod: null },
      'encryptionMethod',
    ],
    [
      'PATCH the status',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}`,
      { status: 'deleting' },
      'status',
    ],
    ['PATCH a number as name', 'workspace', 'patch', () => `/v1/applications/${appId}`, { name: 42 }, 'name'],
    [
      'PATCH an ftp redirect',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}`,
      { redirectUrl: 'ftp://x' },
      'redirectUrl',
    ],
    [
      'PATCH a bad method',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}`,
      { encryptionMethod: 'DES' },
      'encryptionMethod',
    ],
    [
      'PATCH a rotation without every',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}`,
      { cryptoKeyRotation: { graceWindow: '1h' } },
      'cryptoKeyRotation.every',
    ],
    [
      'rotate with a long grace',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/crypto-key/rotate`,
      { graceWindow: 'P8D' },
      'graceWindow',
    ],
    [
      'rotate with a word',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/crypto-key/rotate`,
      { graceWindow: 'soon' },
      'graceWindow',
    ],
    [
      'rotate with a version',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/crypto-key/rotate`,
      { version: 9 },
      'version',
    ],
    [
      'schedule without every',
      'workspace',
      'put',
      () => `/v1/applications/${appId}/crypto-key/rotation-schedule`,
      {},
      'every',
    ],
    [
      'schedule every minute',
      'workspace',
      'put',
      () => `/v1/applications/${appId}/crypto-key/rotation-schedule`,
      { every: '1m' },
      'every',
    ],
    [
      'schedule a grace window as long as its period',
      'workspace',
      'put',
      () => `/v1/applications/${appId}/crypto-key/rotation-schedule`,
      { every: '1h', graceWindow: 'PT60M' },
      'graceWindow',
    ],
    [
      'PATCH a rotation whose grace window outlasts its period',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}`,
      { cryptoKeyRotation: { every: '2h', graceWindow: 'P1D' } },
      'cryptoKeyRotation.graceWindow',
    ],
    [
      'a webhook URL with a #fragment',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/webhooks`,
      { name: 'hooks', url: 'https://example.com/hooks#part' },
      'url',
    ],
    [
      'a webhook URL changed to one with an empty #fragment',
      'workspace',
      'patch',
      () => `/v1/applications/${appId}/webhooks/${webhookId}`,
      { url: 'https://example.com/hooks#' },
      'url',
    ],
    [
      'recover since the future',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/webhooks/${webhookId}/recover`,
      { since: FUTURE },
      'since',
    ],
    [
      'replay what was missed since the future',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/webhooks/${webhookId}/replay-missed`,
      { since: FUTURE },
      'since',
    ],
    ['list with limit 0', 'workspace', 'get', () => '/v1/applications?limit=0', undefined, 'limit'],
    ['list with limit 101', 'workspace', 'get', () => '/v1/applications?limit=101', undefined, 'limit'],
    ['list with a text limit', 'workspace', 'get', () => '/v1/applications?limit=ten', undefined, 'limit'],
    // Only decimal digits: Number() would read each of these as a whole number.
    ...['0x10', '1e1', '%205', '5.0', '%2B5'].map((limit): Case => [
      `list with the limit ${limit}`,
      'workspace',
      'get',
      () => `/v1/applications?limit=${limit}`,
      undefined,
      'limit',
    ]),
    [
      'failed view with its range inverted',
      'workspace',
      'get',
      () =>
        `/v1/applications/${appId}/webhooks/failed-deliveries?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      undefined,
      'to',
    ],
    // A route that takes no body or query refuses one that says something, rather than ignore it.
    [
      'regenerate with a body',
      'workspace',
      'post',
      () => `/v1/applications/${appId}/private-app-key/regenerate`,
      { graceWindow: 'PT1H' },
      'graceWindow',
    ],
    [
      'a roundtrip with a body not an object',
      'operator',
      'post',
      () => '/v1/diagnostics/roundtrips',
      [1],
      'body',
    ],
    [
      'a query on a route that takes none',
      'workspace',
      'get',
      () => `/v1/applications/${appId}?expand=keys`,
      undefined,
      'expand',
    ],
    ['list by an unknown mode', 'workspace', 'get', () => '/v1/applications?mode=prod', undefined, 'mode'],
    [
      'list with an unknown filter',
      'workspace',
      'get',
      () => '/v1/applications?status=active',
      undefined,
      'status',
    ],
    [
      'versions of a malformed id',
      'workspace',
      'get',
      () => '/v1/applications/app-1/crypto-key/versions',
      undefined,
      'id',
    ],
  ];

  it.each(cases)('%s', async (_, who, method, path, body, field) => {
    const before = await snapshot();
    const caller = who === 'operator' ? stack.client.operator : stack.client.as(workspace.apiToken);
    const res = await (body === undefined ? caller[method](path()) : caller[method](path(), body as object));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ['POST', '/v1/workspaces', 'operator'],
    ['POST', '/v1/applications', 'workspace'],
    ['PATCH', '/v1/applications/APP', 'workspace'],
    ['POST', '/v1/applications/APP/crypto-key/rotate', 'workspace'],
    ['PUT', '/v1/applications/APP/crypto-key/rotation-schedule', 'workspace'],
  ] as const)(
    '%s %s: malformed JSON is 400 MALFORMED_JSON, a non-object body is 400',
    async (method, path, who) => {
      const before = await snapshot();
      const token = who === 'operator' ? process.env.ADMIN_TOKEN : workspace.apiToken;
      const url = path.replace('APP', appId);
      const send = (body: string) =>
        request(stack.client.server)
          [method.toLowerCase() as 'post'](url)
          .set('authorization', `Bearer ${token}`)
          .set('content-type', 'application/json')
          .send(body);
      expect((await send('{"name": ')).body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
      const array = await send('[1, 2]');
      expect(array.status).toBeGreaterThanOrEqual(400);
      expect(array.status).toBeLessThan(500);
      expect(await snapshot()).toBe(before);
    },
  );
});
