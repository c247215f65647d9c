import request from 'supertest';
import { ApiClient } from '../support/api-client';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { addWebhook, finishedDelivery, sendEvent } from '../support/webhooks';

/**
 * Every route that reads, decides and writes, called N times at once (a double click, a client's
 * retries) over several rounds: one write or one workflow ID decides, the others get the winner's
 * answer or a documented 409, never a 500, and the end state is what one call leaves. On FerretDB
 * (the store under test) a conditional update is not atomic: these would fail if a route relied
 * on one (see libs/persistence/repositories/claims.repository.ts). The API runs as a process of its
 * own, as in production: in this process, the test's own requests would share its event loop and
 * arrive spread out.
 */
const AT_ONCE = 12;
const ROUNDS = 3;
const WEBHOOK_LIMIT = 5;

describe('concurrent identical requests (real Temporal and FerretDB)', () => {
  // The worker in this process; the API a process of its own (requests truly in parallel).
  const stack = useStack({ apiProcess: { WEBHOOKS_PER_APPLICATION: String(WEBHOOK_LIMIT) } });
  const { receivers } = stack;
  let client: ApiClient;
  let workspace: { id: string; apiToken: string };

  beforeAll(async () => {
    client = stack.client;
    workspace = await client.createWorkspace('Races');
  });

  const as = () => client.as(workspace.apiToken);
  /** The same call, AT_ONCE times at once. */
  const atOnce = (call: () => request.Test) => Promise.all(Array.from({ length: AT_ONCE }, call));
  const statuses = (answers: request.Response[]) => [...new Set(answers.map((a) => a.status))].sort();
  const codes = (answers: request.Response[], status: number) =>
    new Set(answers.filter((a) => a.status === status).map((a) => a.body.code));
  const worksAsKey = async (appId: string, key: string) =>
    (await client.as(key).get(`/v1/applications/${appId}`)).status === 200;

  it('Private App Key regeneration: every answer carries a key; exactly one works, and credentials show it', async () => {
    const app = await client.createApplication(workspace.apiToken);
    let previous = app.credentials.privateAppKey;
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await atOnce(() => as().post(`/v1/applications/${app.id}/private-app-key/regenerate`));
      expect(statuses(answers)).toEqual([200]);
      const keys = [...new Set(answers.map((a) => a.body.privateAppKey as string))];
      const working = [];
      for (const key of keys) if (await worksAsKey(app.id, key)) working.push(key);
      expect(working).toHaveLength(1);
      expect(await worksAsKey(app.id, previous)).toBe(false);
      const credentials = await as().get(`/v1/applications/${app.id}/credentials`).expect(200);
      expect(credentials.body.privateAppKey).toBe(working[0]);
      previous = working[0];
    }
    // Every caller that received a key is in the audit log.
    const audit = await as().get(`/v1/applications/${app.id}/audit-events?limit=100`).expect(200);
    const handedOut = audit.body.items.filter((e: { action: string }) =>
      ['private_app_key.regenerated', 'private_app_key.read'].includes(e.action),
    );
    expect(handedOut).toHaveLength(AT_ONCE * ROUNDS);
  });

  it('webhook signing secret rotation: every answer 200 with a secret; the current one is among them', async () => {
    const app = await client.createApplication(workspace.apiToken);
    const webhook = await addWebhook(as(), app.id, { url: 'https://example.com/hook' });
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await atOnce(() =>
        as().post(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret/rotate`, { overlap: 'PT0S' }),
      );
      expect(statuses(answers)).toEqual([200]);
      const current = await as().get(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret`).expect(200);
      expect(answers.map((a) => a.body.secret)).toContain(current.body.secret);
    }
  });

  it('changing a webhook’s signature: every answer 200 with a public key; the current one is among them', async () => {
    const app = await client.createApplication(workspace.apiToken);
    const webhook = await addWebhook(as(), app.id, { url: 'https://example.com/hook' });
    for (const [round, signature] of ['ed25519', 'hmac-sha256', 'ed25519'].entries()) {
      const answers = await atOnce(() =>
        as().patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { signature }),
      );
      expect([round, statuses(answers)]).toEqual([round, [200]]);
      expect(new Set(answers.map((a) => a.body.signature))).toEqual(new Set([signature]));
      const current = await as().get(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret`).expect(200);
      expect(current.body.secret).toMatch(signature === 'ed25519' ? /^whpk_/ : /^whsec_/);
      expect(answers.map((a) => a.body.secret)).toContain(current.body.secret);
    }
  });

  it('workspace API token rotation: one wins per token, the others 409; exactly one token works', async () => {
    const target = await client.createWorkspace('Rotated');
    let previous = target.apiToken;
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await atOnce(() =>
        client.operator.post(`/v1/workspaces/${target.id}/api-token/rotate`),
      );
      expect(statuses(answers).every((s) => s === 200 || s === 409)).toBe(true);
      expect(codes(answers, 409)).toEqual(
        new Set(answers.some((a) => a.status === 409) ? ['TOKEN_ROTATED_CONCURRENTLY'] : []),
      );
      const tokens = answers.filter((a) => a.status === 200).map((a) => a.body.apiToken as string);
      expect(tokens.length).toBeGreaterThanOrEqual(1);
      const working = [];
      for (const token of tokens)
        if ((await client.as(token).get('/v1/applications')).status === 200) working.push(token);
      expect(working).toHaveLength(1);
      expect((await client.as(previous).get('/v1/applications')).status).toBe(401);
      previous = working[0];
    }
  });

  it('delivery retry: one new series per round, the others 409 DELIVERY_IN_PROGRESS; the receiver gets it once', async () => {
    const app = await client.createApplication(workspace.apiToken);
    const receiver = await receivers.start();
    const webhook = await addWebhook(as(), app.id, {
      url: receiver.url,
      retryPolicy: { maximumAttempts: 1 },
    });
    for (let round = 0; round < ROUNDS; round++) {
      receiver.answer({ status: 500 });
      const eventId = await sendEvent(as(), app.id);
      const failed = await finishedDelivery(as(), app.id, eventId, webhook.id);
      expect(failed.status).toBe('failed');
      receiver.answer({ status: 200 });
      const before = receiver.requests.length;
      const answers = await atOnce(() =>
        as().post(`/v1/applications/${app.id}/deliveries/${failed.id}/retry`),
      );
      expect(statuses(answers)).toEqual([202, 409]);
      expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
      expect(codes(answers, 409)).toEqual(new Set(['DELIVERY_IN_PROGRESS']));
      const retried = await finishedDelivery(as(), app.id, eventId, webhook.id);
      expect(retried).toMatchObject({ status: 'succeeded', series: 2 });
      expect(receiver.requests.length - before).toBe(1);
    }
  });

  it('renaming several applications to one name at once: one 200, the others 409 NAME_TAKEN', async () => {
    const apps = await Promise.all([1, 2, 3].map(() => client.createApplication(workspace.apiToken)));
    for (let round = 0; round < ROUNDS; round++) {
      const name = `same name ${round}`;
      const answers = await Promise.all(
        apps.flatMap((app) => [1, 2, 3, 4].map(() => as().patch(`/v1/applications/${app.id}`, { name }))),
      );
      expect(statuses(answers)).toEqual([200, 409]);
      expect(codes(answers, 409)).toEqual(new Set(['NAME_TAKEN']));
      const named = await as()
        .get(`/v1/applications?search=${encodeURIComponent(name)}`)
        .expect(200);
      expect(named.body.items).toHaveLength(1);
    }
  });

  it('creating an application with one Idempotency-Key: one application, every answer about it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `create-${round}-${Date.now()}`;
      const answers = await atOnce(() =>
        as()
          .post('/v1/applications', { name: `idempotent ${key}`, encryptionMethod: 'AES-256-GCM' })
          .set('idempotency-key', key),
      );
      expect(statuses(answers)).toEqual([201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      const named = await as()
        .get(`/v1/applications?search=${encodeURIComponent(key)}`)
        .expect(200);
      expect(named.body.items).toHaveLength(1);
    }
  });

  it('deleting an application: every answer a success or 404, and it is gone', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const app = await client.createApplication(workspace.apiToken);
      const answers = await atOnce(() => as().delete(`/v1/applications/${app.id}`));
      expect(statuses(answers).every((s) => [202, 204, 404].includes(s))).toBe(true);
      await pollUntil(
        async () => (await as().get(`/v1/applications/${app.id}`)).status,
        (status) => status === 404,
      );
    }
  });

  it('creating webhooks past the limit at once: exactly the free places are taken, the rest 409 TOO_MANY_WEBHOOKS', async () => {
    const app = await client.createApplication(workspace.apiToken);
    const createWebhook = () =>
      as().post(`/v1/applications/${app.id}/webhooks`, { name: 'hook', url: 'https://example.com/hook' });
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await atOnce(() => createWebhook());
      const list = await as().get(`/v1/applications/${app.id}/webhooks`).expect(200);
      expect(list.body.items).toHaveLength(WEBHOOK_LIMIT);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(round === 0 ? WEBHOOK_LIMIT : 0);
      expect(statuses(answers).filter((s) => s !== 201)).toEqual([409]);
      expect(codes(answers, 409)).toEqual(new Set(['TOO_MANY_WEBHOOKS']));
      // A deleted webhook frees its place for the next round's one winner... of two.
      if (round === 0) {
        await as().delete(`/v1/applications/${app.id}/webhooks/${list.body.items[0].id}`).expect(204);
        const refill = await atOnce(() => createWebhook());
        expect(refill.filter((a) => a.status === 201)).toHaveLength(1);
      }
    }
  });

  it('deleting a webhook: every answer 204 or 404, and it is gone with its secret', async () => {
    const app = await client.createApplication(workspace.apiToken);
    for (let round = 0; round < ROUNDS; round++) {
      const webhook = await addWebhook(as(), app.id, { url: 'https://example.com/hook' });
      const answers = await atOnce(() => as().delete(`/v1/applications/${app.id}/webhooks/${webhook.id}`));
      expect(statuses(answers).every((s) => s === 204 || s === 404)).toBe(true);
      await as().get(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(404);
      await as().get(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret`).expect(404);
    }
  });

  it('redeeming a portal link: exactly one session opens, the others 401 PORTAL_LINK_INVALID', async () => {
    const app = await client.createApplication(workspace.apiToken);
    for (let round = 0; round < ROUNDS; round++) {
      const link = await as().post(`/v1/applications/${app.id}/portal-sessions`, {}).expect(201);
      const code = new URL(link.body.url).hash.replace('#code=', '');
      const origin = new URL(link.body.url).origin;
      const answers = await atOnce(() =>
        request(stack.apiUrl).post('/v1/console/session').set('origin', origin).send({ portalCode: code }),
      );
      expect(statuses(answers)).toEqual([201, 401]);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(codes(answers, 401)).toEqual(new Set(['PORTAL_LINK_INVALID']));
    }
  });

  it('Crypto Key rotation: one rotation at a time (409 ROTATION_IN_PROGRESS), one current version after', async () => {
    const app = await client.createApplication(workspace.apiToken);
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await atOnce(() => as().post(`/v1/applications/${app.id}/crypto-key/rotate`, {}));
      expect(statuses(answers).every((s) => s === 202 || s === 409)).toBe(true);
      expect(codes(answers, 409)).toEqual(
        new Set(answers.some((a) => a.status === 409) ? ['ROTATION_IN_PROGRESS'] : []),
      );
      const versions = await as().get(`/v1/applications/${app.id}/crypto-key/versions`).expect(200);
      expect(versions.body.items.filter((v: { status: string }) => v.status === 'current')).toHaveLength(1);
      const credentials = await as().get(`/v1/applications/${app.id}/credentials`).expect(200);
      expect(credentials.body.cryptoKeyVersion).toBe(versions.body.items[0].version);
    }
  });

  it('the rotation schedule set and removed at once: every answer a success, one schedule or none', async () => {
    const app = await client.createApplication(workspace.apiToken);
    for (let round = 0; round < ROUNDS; round++) {
      const set = await atOnce(() =>
        as().put(`/v1/applications/${app.id}/crypto-key/rotation-schedule`, { every: 'P30D' }),
      );
      expect(statuses(set)).toEqual([200]);
      const shown = await as().get(`/v1/applications/${app.id}`).expect(200);
      expect(shown.body.cryptoKeyRotation).toMatchObject({ every: 'P30D' });
      const removed = await atOnce(() =>
        as().delete(`/v1/applications/${app.id}/crypto-key/rotation-schedule`),
      );
      expect(statuses(removed)).toEqual([204]);
      const after = await as().get(`/v1/applications/${app.id}`).expect(200);
      expect(after.body.cryptoKeyRotation).toBeNull();
    }
  });

  it('an event sent with one idempotency key: one event, delivered once', async () => {
    const app = await client.createApplication(workspace.apiToken);
    const receiver = await receivers.start();
    const webhook = await addWebhook(as(), app.id, { url: receiver.url });
    for (let round = 0; round < ROUNDS; round++) {
      const idempotencyKey = `event-${round}`;
      const answers = await atOnce(() =>
        as().post(`/v1/applications/${app.id}/events`, {
          eventType: 'APPLICANT_COMPLETED',
          data: { applicantId: 'appl_1' },
          idempotencyKey,
        }),
      );
      expect(statuses(answers)).toEqual([202]);
      const ids = new Set(answers.map((a) => a.body.eventId));
      expect(ids.size).toBe(1);
      const [eventId] = ids;
      expect(await finishedDelivery(as(), app.id, eventId, webhook.id)).toMatchObject({
        status: 'succeeded',
      });
      expect(receiver.requests.filter((r) => r.headers['webhook-id'] === eventId)).toHaveLength(1);
    }
  });

  it('erasing a subject and recovering a webhook: every call answers with the one workflow', async () => {
    const app = await client.createApplication(workspace.apiToken);
    const webhook = await addWebhook(as(), app.id, { url: 'https://example.com/hook' });
    for (let round = 0; round < ROUNDS; round++) {
      const erasures = await atOnce(() => as().delete(`/v1/applications/${app.id}/subjects/appl_${round}`));
      expect(statuses(erasures)).toEqual([202]);
      expect(new Set(erasures.map((a) => a.body.workflowId)).size).toBe(1);
      const since = new Date(Date.now() - 60_000 * (round + 1)).toISOString();
      const recoveries = await atOnce(() =>
        as().post(`/v1/applications/${app.id}/webhooks/${webhook.id}/recover`, { since }),
      );
      expect(statuses(recoveries)).toEqual([200]);
      expect(new Set(recoveries.map((a) => a.body.workflowId)).size).toBe(1);
    }
  });
});
