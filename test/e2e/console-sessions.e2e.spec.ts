import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ApiClient } from '../support/api-client';
import { expireNow } from '../support/console-sessions';
import { addWebhook, finishedDelivery, tenantWithApplication } from '../support/webhooks';
import { startApi } from '../support/app';
import { useStack } from '../support/stack';

/** The console's sessions and portal links through the API, and the routes added for it. */
describe('console sessions and portal links', () => {
  const stack = useStack();
  const { receivers } = stack;
  let origin: string;
  const db = () => stack.db();
  const cookieOf = (res: request.Response) => String(res.headers['set-cookie'][0]);
  /** Signs in from the console's own origin, another one, or none (null). */
  const signIn = (body: object, from: string | null = origin) => {
    const call = request(stack.client.server).post('/v1/console/session');
    return (from === null ? call : call.set('origin', from)).send(body);
  };

  beforeAll(async () => {
    origin = `http://127.0.0.1:${(stack.client.server.address() as AddressInfo).port}`;
  });

  it('exchanges a workspace token for an HttpOnly, SameSite=Strict cookie, and only from its own pages', async () => {
    const workspace = await stack.client.createWorkspace('Cookies');
    const opened = await signIn({ token: workspace.apiToken }).expect(201);
    expect(opened.body).toMatchObject({ workspaceId: workspace.id, workspaceName: 'Cookies', portal: null });
    const cookie = cookieOf(opened);
    expect(cookie).toMatch(/^aw_session=[\w-]{43}; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(workspace.apiToken);
    const stored = await db().collection('console_sessions').find({ workspaceId: workspace.id }).toArray();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(cookie.split(';')[0].split('=')[1]);

    for (const from of [null, 'https://evil.example', 'null']) {
      const refused = await signIn({ token: workspace.apiToken }, from).expect(403);
      expect(refused.body.code).toBe('CROSS_SITE_REQUEST');
    }
    const sameSiteOtherOrigin = await signIn({ token: workspace.apiToken })
      .set('sec-fetch-site', 'same-site')
      .expect(403);
    expect(sameSiteOtherOrigin.body.code).toBe('CROSS_SITE_REQUEST');
  });

  it('refuses a bad sign-in with a 4xx naming the field, and opens nothing', async () => {
    const before = await db().collection('console_sessions').countDocuments();
    const unknown = await signIn({ token: 'wst_' + 'a'.repeat(49) }).expect(401);
    expect(unknown.body.details).toEqual([
      { field: 'token', problems: [expect.stringMatching(/not a valid/)] },
    ]);
    const both = await signIn({ token: 'x', portalCode: 'y'.repeat(43) }).expect(400);
    expect(both.body.message).toMatch(/either token .* or portalCode/);
    const neither = await signIn({}).expect(400);
    expect(neither.body.details[0].field).toBe('token');
    const empty = await signIn({ token: '' }).expect(400);
    expect(empty.body.details).toEqual([{ field: 'token', problems: [expect.stringMatching(/not empty/)] }]);
    const badCode = await signIn({ portalCode: '../../etc' }).expect(400);
    expect(badCode.body.details[0].field).toBe('portalCode');
    // null is no value (it was a 500, found by the fuzzer).
    for (const field of ['token', 'portalCode']) {
      const nothing = await signIn({ [field]: null }).expect(400);
      expect(nothing.body.details[0].field).toBe(field);
    }
    const operator = await signIn({ token: process.env.ADMIN_TOKEN }).expect(401);
    expect(operator.body.code).toBe('UNAUTHORIZED');
    expect(await db().collection('console_sessions').countDocuments()).toBe(before);
  });

  it('a cookie mutation needs the Origin of the console; a Bearer token wins over a cookie', async () => {
    const { workspace, app } = await tenantWithApplication(stack.client);
    const cookie = cookieOf(await signIn({ token: workspace.apiToken }).expect(201)).split(';')[0];
    await request(stack.client.server).get(`/v1/applications/${app.id}`).set('cookie', cookie).expect(200);
    const noOrigin = await request(stack.client.server)
      .patch(`/v1/applications/${app.id}`)
      .set('cookie', cookie)
      .send({ description: 'changed' })
      .expect(403);
    expect(noOrigin.body.code).toBe('CROSS_SITE_REQUEST');
    const unchanged = await stack.client.as(workspace.apiToken).get(`/v1/applications/${app.id}`).expect(200);
    expect(unchanged.body.description).not.toBe('changed');
    await request(stack.client.server)
      .patch(`/v1/applications/${app.id}`)
      .set('cookie', cookie)
      .set('origin', origin)
      .send({ description: 'changed' })
      .expect(200);
    const other = await stack.client.createWorkspace('Other');
    const asOther = await request(stack.client.server)
      .get(`/v1/applications/${app.id}`)
      .set('cookie', cookie)
      .set('authorization', `Bearer ${other.apiToken}`)
      .expect(404);
    expect(asOther.body.code).toBe('APPLICATION_NOT_FOUND');
  });

  it('ends sessions on sign-out, on expiry, and when the workspace token is rotated', async () => {
    const workspace = await stack.client.createWorkspace('Ending');
    const session = () =>
      signIn({ token: workspace.apiToken })
        .expect(201)
        .then((r) => cookieOf(r).split(';')[0]);
    const current = (cookie: string) =>
      request(stack.client.server).get('/v1/console/session').set('cookie', cookie);

    const signedOut = await session();
    const out = await request(stack.client.server)
      .delete('/v1/console/session')
      .set('cookie', signedOut)
      .set('origin', origin);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'][0])).toMatch(/^aw_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await current(signedOut).expect(401)).body.code).toBe('SESSION_EXPIRED');

    const expiring = await session();
    expect(await expireNow(db(), 'console_sessions', expiring.split('=')[1])).toBe(1);
    await current(expiring).expect(401);
    await request(stack.client.server).get('/v1/applications').set('cookie', expiring).expect(401);

    const rotated = await session();
    await current(rotated).expect(200);
    await stack.client.operator.post(`/v1/workspaces/${workspace.id}/api-token/rotate`).expect(200);
    await current(rotated).expect(401);
  });

  it('portal links: validated, audited, refused when expired, Secure cookie and public URL behind https', async () => {
    const { workspace, app, as } = await tenantWithApplication(stack.client);
    const bad = await as.post(`/v1/applications/${app.id}/portal-sessions`, {
      linkExpiresIn: '2d',
      showKeys: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'linkExpiresIn',
      'showKeys',
    ]);
    const link = await as
      .post(`/v1/applications/${app.id}/portal-sessions`, { linkExpiresIn: '5m' })
      .expect(201);
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const code = new URL(link.body.url).hash.slice('#code='.length);
    expect(await expireNow(db(), 'portal_links', code)).toBe(1);
    expect((await signIn({ portalCode: code }).expect(401)).body.code).toBe('PORTAL_LINK_INVALID');
    const audit = await as.get(`/v1/applications/${app.id}/audit-events`).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('portal_link.issued');

    const behindTls = await startApi({ PUBLIC_URL: 'https://webhooks.example.com' });
    try {
      const tls = new ApiClient(behindTls);
      const secure = await tls
        .as(workspace.apiToken)
        .post(`/v1/applications/${app.id}/portal-sessions`, {})
        .expect(201);
      expect(secure.body.url).toMatch(/^https:\/\/webhooks\.example\.com\/console\/portal#code=[\w-]{43}$/);
      const opened = await request(tls.server)
        .post('/v1/console/session')
        .set('origin', 'https://webhooks.example.com')
        .send({ portalCode: new URL(secure.body.url).hash.slice('#code='.length) })
        .expect(201);
      expect(cookieOf(opened)).toMatch(/; Secure; SameSite=Strict$/);
      expect(opened.body.portal).toEqual({ applicationId: app.id, keys: false });
    } finally {
      await behindTls.close();
    }
  });

  it('sends a test event to one webhook, whatever its event types, and the delivery says how it went', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receivers.start();
    const other = await receivers.start();
    const only = await addWebhook(as, app.id, { url: target.url, eventTypes: ['APPLICANT_CREATED'] });
    await addWebhook(as, app.id, { name: 'other', url: other.url });
    const sent = await as.post(`/v1/applications/${app.id}/webhooks/${only.id}/test`).expect(202);
    const delivery = await finishedDelivery(as, app.id, sent.body.eventId, only.id);
    expect(delivery).toMatchObject({
      id: sent.body.deliveryId,
      status: 'succeeded',
      eventType: 'WEBHOOK_TEST',
    });
    expect(JSON.parse(target.requests[0].body)).toMatchObject({ type: 'WEBHOOK_TEST' });
    expect(other.requests).toHaveLength(0);
    await as.patch(`/v1/applications/${app.id}/webhooks/${only.id}`, { enabled: false }).expect(200);
    const disabled = await as.post(`/v1/applications/${app.id}/webhooks/${only.id}/test`).expect(409);
    expect(disabled.body.code).toBe('WEBHOOK_DISABLED');
  });

  it('searches applications by name, literally and ignoring case', async () => {
    const workspace = await stack.client.createWorkspace('Search');
    const as = stack.client.as(workspace.apiToken);
    for (const name of ['KYC Onboarding', 'Payments (EU)', 'kyc.v2']) {
      await as.post('/v1/applications', { name, encryptionMethod: 'AES-256-GCM' }).expect(201);
    }
    const names = async (search: string) =>
      (await as.get(`/v1/applications?search=${encodeURIComponent(search)}`).expect(200)).body.items
        .map((a: { name: string }) => a.name)
        .sort();
    expect(await names('kyc')).toEqual(['KYC Onboarding', 'kyc.v2']);
    expect(await names('(eu)')).toEqual(['Payments (EU)']);
    expect(await names('.')).toEqual(['kyc.v2']);
    expect(await names('.*')).toEqual([]);
    await as.get(`/v1/applications?search=${'x'.repeat(101)}`).expect(400);
  });
});
