import { generateToken } from '../../libs/auth/tokens';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { useStack } from '../support/stack';

type Kind = 'operator' | 'workspace' | 'application';
interface Route {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: (appId: string, workspaceId: string) => string;
  takes: Kind[];
  body?: object;
  /** What a console session opened by a portal link may do here (nothing when absent). */
  portal?: 'application' | 'keys';
}

/**
 * Every route that takes a credential, against every kind of caller: no credential, a malformed
 * one, an unknown one, a revoked one, the wrong kind (403), and another tenant's (404).
 */
const ROUTES: Route[] = [
  { method: 'post', path: () => '/v1/workspaces', takes: ['operator'], body: { name: 'x' } },
  { method: 'get', path: () => '/v1/workspaces', takes: ['operator'] },
  { method: 'post', path: (_, ws) => `/v1/workspaces/${ws}/api-token/rotate`, takes: ['operator'] },
  { method: 'post', path: () => '/v1/diagnostics/roundtrips', takes: ['operator'] },
  {
    method: 'post',
    path: () => '/v1/applications',
    takes: ['workspace'],
    body: { name: 'm', encryptionMethod: 'AES-256-GCM' },
  },
  { method: 'get', path: () => '/v1/applications', takes: ['workspace'] },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}`,
    takes: ['workspace', 'application'],
    portal: 'application',
  },
  {
    method: 'patch',
    path: (id) => `/v1/applications/${id}`,
    takes: ['workspace'],
    body: { description: 'd' },
  },
  { method: 'get', path: (id) => `/v1/applications/${id}/credentials`, takes: ['workspace'], portal: 'keys' },
  { method: 'post', path: (id) => `/v1/applications/${id}/private-app-key/regenerate`, takes: ['workspace'] },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/crypto-key/rotate`,
    takes: ['workspace'],
    body: {},
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/crypto-key/versions`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'put',
    path: (id) => `/v1/applications/${id}/crypto-key/rotation-schedule`,
    takes: ['workspace'],
    body: { every: '30d' },
  },
  {
    method: 'delete',
    path: (id) => `/v1/applications/${id}/crypto-key/rotation-schedule`,
    takes: ['workspace'],
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/audit-events`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/portal-sessions`,
    takes: ['workspace'],
    body: {},
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/webhooks`,
    takes: ['workspace'],
    body: { name: 'n', url: 'http://127.0.0.1:9/h' },
    portal: 'application',
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/webhooks`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/webhooks/failed-deliveries`,
    takes: ['workspace', 'application'],
    portal: 'application',
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'patch',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}`,
    takes: ['workspace'],
    body: { name: 'm' },
    portal: 'application',
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}/secret`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}/secret/rotate`,
    takes: ['workspace'],
    body: {},
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}/test`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}/filter-test`,
    takes: ['workspace'],
    body: { data: {} },
    portal: 'application',
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}/failed-deliveries`,
    takes: ['workspace', 'application'],
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}/recover`,
    takes: ['workspace'],
    body: { since: '2026-01-01T00:00:00Z' },
    portal: 'application',
  },
  {
    method: 'delete',
    path: (id) => `/v1/applications/${id}/webhooks/${WH}`,
    takes: ['workspace'],
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/events`,
    takes: ['workspace', 'application'],
    body: { eventType: 'APPLICANT_CREATED' },
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/deliveries`,
    takes: ['workspace', 'application'],
    portal: 'application',
  },
  {
    method: 'get',
    path: (id) => `/v1/applications/${id}/deliveries/evt_x:${WH}`,
    takes: ['workspace', 'application'],
    portal: 'application',
  },
  {
    method: 'post',
    path: (id) => `/v1/applications/${id}/deliveries/evt_x:${WH}/retry`,
    takes: ['workspace', 'application'],
    portal: 'application',
  },
  { method: 'delete', path: (id) => `/v1/applications/${id}/subjects/appl_nobody`, takes: ['workspace'] },
  { method: 'delete', path: (id) => `/v1/applications/${id}`, takes: ['workspace'] },
];
/** A webhook ID that exists nowhere: route-level checks come before any lookup of it. */
const WH = 'wh_doesNotExist';
/**
 * The token with its last checksum character replaced by another one. (Appending a fixed 'x' in
 * its place was the genuine token whenever that already ended in 'x': 1 run in 62 then created and
 * deleted applications with the "unusable" credential, and the whole file failed.)
 */
const withLastCharChanged = (token: string) => token.slice(0, -1) + (token.endsWith('x') ? 'y' : 'x');
const describeRoute = (r: Route) => `${r.method.toUpperCase()} ${r.path(':appId', ':wsId')}`;

describe('access matrix', () => {
  const stack = useStack();
  let mine: {
    workspace: { id: string; apiToken: string };
    app: { id: string; credentials: { privateAppKey: string } };
  };
  let theirs: {
    workspace: { id: string; apiToken: string };
    app: { id: string; credentials: { privateAppKey: string } };
  };
  let revokedKey: string;

  beforeAll(async () => {
    const tenant = async (name: string) => {
      const workspace = await stack.client.createWorkspace(name);
      return { workspace, app: await stack.client.createApplication(workspace.apiToken) };
    };
    [mine, theirs] = await Promise.all([tenant('Mine'), tenant('Theirs')]);
    revokedKey = mine.app.credentials.privateAppKey;
    const regenerated = await stack.client
      .as(mine.workspace.apiToken)
      .post(`/v1/applications/${mine.app.id}/private-app-key/regenerate`)
      .expect(200);
    mine.app.credentials.privateAppKey = regenerated.body.privateAppKey;
    await expectWorldAsSetUp();
  });

  /**
   * Every test below stands on this: each tenant's application in its own workspace, the first
   * key revoked and the regenerated one working. When it does not hold, this says what the
   * database held, so that the cause shows at once.
   */
  async function expectWorldAsSetUp() {
    const status = async (token: string, path: string) => (await stack.client.as(token).get(path)).status;
    const seen = {
      mineListed: (await stack.client.as(mine.workspace.apiToken).get('/v1/applications')).body.items?.map(
        (a: { id: string }) => a.id,
      ),
      theirsListed: (
        await stack.client.as(theirs.workspace.apiToken).get('/v1/applications')
      ).body.items?.map((a: { id: string }) => a.id),
      revokedKey: await status(revokedKey, `/v1/applications/${mine.app.id}`),
      regeneratedKey: await status(mine.app.credentials.privateAppKey, `/v1/applications/${mine.app.id}`),
    };
    const expected = {
      mineListed: [mine.app.id],
      theirsListed: [theirs.app.id],
      revokedKey: 401,
      regeneratedKey: 200,
    };
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    const db = stack.db();
    const stored = {
      workspaces: await db
        .collection('workspaces')
        .find({}, { projection: { apiTokenHash: 0 } })
        .toArray(),
      applications: await db.collection('applications').find({}).toArray(),
      privateAppKeys: await db
        .collection('private_app_keys')
        .find({}, { projection: { key: 0 } })
        .toArray(),
      audit: await db.collection('audit_events').find({}).toArray(),
    };
    throw new Error(
      `set-up did not hold: ${JSON.stringify({ mine: { ...mine, workspace: mine.workspace.id }, theirs: { ...theirs, workspace: theirs.workspace.id }, seen, expected, stored }, null, 1)}`,
    );
  }

  const call = (
    route: Route,
    token: string | undefined,
    appId = mine.app.id,
    workspaceId = mine.workspace.id,
  ) => {
    const caller = stack.client.as(token);
    const path = route.path(appId, workspaceId);
    return route.body ? caller[route.method](path, route.body) : caller[route.method](path);
  };
  const tokenOf = (kind: Kind) =>
    ({
      operator: process.env.ADMIN_TOKEN!,
      workspace: mine.workspace.apiToken,
      application: mine.app.credentials.privateAppKey,
    })[kind];

  it.each(ROUTES.map((r) => [describeRoute(r), r] as const))(
    '%s: 401 without a usable credential',
    async (_, route) => {
      const unusable: (string | undefined)[] = [
        undefined,
        '',
        'not-a-token',
        withLastCharChanged(mine.workspace.apiToken), // checksum fails
        generateToken('wst'), // well formed, unknown
        generateToken('pak_test'),
        revokedKey,
      ];
      for (const token of unusable) {
        const res = await call(route, token);
        expect([res.status, res.body.code]).toEqual([401, 'UNAUTHORIZED']);
      }
    },
  );

  it.each(ROUTES.map((r) => [describeRoute(r), r] as const))(
    '%s: 403 for a credential of another kind',
    async (_, route) => {
      for (const kind of (['operator', 'workspace', 'application'] as Kind[]).filter(
        (k) => !route.takes.includes(k),
      )) {
        const res = await call(route, tokenOf(kind));
        expect([res.status, res.body.code]).toEqual([403, 'WRONG_CREDENTIAL']);
      }
    },
  );

  const appRoutes = ROUTES.filter((r) => r.path('APP', 'WS').includes('APP'));
  it.each(appRoutes.map((r) => [describeRoute(r), r] as const))(
    '%s: 404 on another tenant’s application, revealing nothing of it',
    async (_, route) => {
      const callers = route.takes.map(tokenOf);
      for (const token of callers) {
        const res = await call(route, token, theirs.app.id);
        expect([res.status, res.body.code]).toEqual([404, 'APPLICATION_NOT_FOUND']);
        expect(JSON.stringify(res.body)).not.toContain(theirs.workspace.id);
      }
    },
  );

  it('lets an application’s key reach its own public routes only', async () => {
    const key = mine.app.credentials.privateAppKey;
    await stack.client.as(key).get(`/v1/applications/${mine.app.id}/deliveries`).expect(200);
    await stack.client.as(key).get(`/v1/applications/${mine.app.id}/webhooks/failed-deliveries`).expect(200);
    await stack.client
      .as(key)
      .post(`/v1/applications/${mine.app.id}/events`, { eventType: 'APPLICANT_CREATED' })
      .expect(202);
    const other = await stack.client.as(key).get(`/v1/applications/${theirs.app.id}/deliveries`).expect(404);
    expect(other.body.code).toBe('APPLICATION_NOT_FOUND');
  });

  it('lists only the caller’s own applications', async () => {
    const res = await stack.client.as(mine.workspace.apiToken).get('/v1/applications').expect(200);
    expect(res.body.items.map((a: { id: string }) => a.id)).toEqual([mine.app.id]);
  });

  it('still lets the other tenant use its own application afterwards', async () => {
    await stack.client
      .as(theirs.workspace.apiToken)
      .get(`/v1/applications/${theirs.app.id}/credentials`)
      .expect(200);
    await stack.client
      .as(theirs.app.credentials.privateAppKey)
      .get(`/v1/applications/${theirs.app.id}`)
      .expect(200);
  });

  it('rotating a workspace token makes the old one 401 at once', async () => {
    const workspace = await stack.client.createWorkspace('Rotating');
    const rotated = await stack.client.operator
      .post(`/v1/workspaces/${workspace.id}/api-token/rotate`)
      .expect(200);
    await stack.client.as(workspace.apiToken).get('/v1/applications').expect(401);
    await stack.client.as(rotated.body.apiToken).get('/v1/applications').expect(200);
  });

  /** A console session (cookie) opened by a portal link to my application. */
  async function portalSession(showKeys: boolean): Promise<string> {
    const link = await stack.client
      .as(mine.workspace.apiToken)
      .post(`/v1/applications/${mine.app.id}/portal-sessions`, { showKeys })
      .expect(201);
    const code = new URL(link.body.url).hash.replace('#code=', '');
    const origin = `http://${new URL(link.body.url).host}`;
    const opened = await request(stack.client.server)
      .post('/v1/console/session')
      .set('origin', origin)
      .send({ portalCode: code })
      .expect(201);
    return String(opened.headers['set-cookie'][0]).split(';')[0];
  }
  const callWithCookie = (route: Route, cookie: string, appId: string) => {
    const path = route.path(appId, mine.workspace.id);
    const host = (stack.client.server.address() as AddressInfo).port;
    const call = request(stack.client.server)
      [route.method](path)
      .set('cookie', cookie)
      .set('origin', `http://127.0.0.1:${host}`);
    return route.body ? call.send(route.body) : call;
  };
  const isOutsidePortal = (res: { status: number; body: { code?: string } }) =>
    res.status === 403 && res.body.code === 'OUTSIDE_PORTAL';

  it('a portal session reaches only the routes opened to portals, for its one application', async () => {
    const cookie = await portalSession(false);
    const refused: string[] = [];
    const reached: string[] = [];
    for (const route of ROUTES.filter((r) => r.takes.includes('workspace'))) {
      const res = await callWithCookie(route, cookie, mine.app.id);
      (isOutsidePortal(res) ? refused : reached).push(describeRoute(route));
      const other = await callWithCookie(route, cookie, theirs.app.id);
      expect([describeRoute(route), other.status]).toEqual([describeRoute(route), 403]);
    }
    const opened = (r: Route) => r.portal === 'application';
    expect(reached.sort()).toEqual(ROUTES.filter(opened).map(describeRoute).sort());
    // The application still exists: the portal's DELETE was refused.
    await stack.client.as(mine.workspace.apiToken).get(`/v1/applications/${mine.app.id}`).expect(200);
  });

  it('a portal link that shows keys lets its session read them, and nothing more', async () => {
    const cookie = await portalSession(true);
    for (const route of ROUTES.filter((r) => r.portal === 'keys')) {
      const res = await callWithCookie(route, cookie, mine.app.id);
      expect([describeRoute(route), res.status]).toEqual([describeRoute(route), 200]);
    }
    const list = await callWithCookie(
      ROUTES.find((r) => describeRoute(r) === 'GET /v1/applications')!,
      cookie,
      mine.app.id,
    );
    expect(isOutsidePortal(list)).toBe(true);
  });
});
