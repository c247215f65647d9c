import { ApiClient } from '../support/api-client';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { tenantWithApplication } from '../support/webhooks';

/** API_CALLER_CACHE_TTL_MS's default. */
const BOUND_MS = 1_000;
/** What a request and the poll's interval add on a loaded machine. */
const SLACK_MS = 1_500;

/**
 * The API reads who calls, and the application an event is for, through a cache bounded by
 * API_CALLER_CACHE_TTL_MS. Two API processes on one database: a credential revoked, or an
 * application deleted, through one is refused by it at once and by the other within the bound,
 * whatever that one had cached just before.
 */
describe('revoked credentials and deleted applications reach every API within API_CALLER_CACHE_TTL_MS', () => {
  // Two APIs side by side on the file's database: one changes, the other had it cached.
  const changing = useStack();
  const other = useStack({ worker: false });
  let client: ApiClient;
  let otherClient: ApiClient;

  beforeAll(() => {
    client = changing.client;
    otherClient = other.client;
  });

  const event = { eventType: 'APPLICANT_COMPLETED', data: { applicantId: 'appl_1' } };

  /** How long until `call` on the other API answers `status` (it answered otherwise just before). */
  const refusedAfter = async (call: () => Promise<{ status: number }>, status: number) => {
    const started = performance.now();
    await pollUntil(call, (res) => res.status === status, { timeoutMs: BOUND_MS + 10_000, intervalMs: 50 });
    return performance.now() - started;
  };

  it('a regenerated Private App Key', async () => {
    const { app, as } = await tenantWithApplication(client);
    const oldKey = app.credentials.privateAppKey;
    const send = (api: ApiClient, key: string) =>
      api.as(key).post(`/v1/applications/${app.id}/events`, event);
    // Cached by the other API: it has just accepted an event with the key.
    expect((await send(otherClient, oldKey)).status).toBe(202);

    const regenerated = await as.post(`/v1/applications/${app.id}/private-app-key/regenerate`).expect(200);
    expect((await send(client, oldKey)).status).toBe(401);
    const took = await refusedAfter(() => send(otherClient, oldKey), 401);
    expect(took).toBeLessThan(BOUND_MS + SLACK_MS);
    // A new key is never refused for having been unknown a moment before.
    expect((await send(otherClient, regenerated.body.privateAppKey)).status).toBe(202);
  });

  it('a rotated workspace API token', async () => {
    const { workspace } = await tenantWithApplication(client);
    const list = (api: ApiClient) => api.as(workspace.apiToken).get('/v1/applications');
    expect((await list(otherClient)).status).toBe(200);

    const rotated = await client.operator.post(`/v1/workspaces/${workspace.id}/api-token/rotate`).expect(200);
    expect((await list(client)).status).toBe(401);
    const took = await refusedAfter(() => list(otherClient), 401);
    expect(took).toBeLessThan(BOUND_MS + SLACK_MS);
    expect((await otherClient.as(rotated.body.apiToken).get('/v1/applications')).status).toBe(200);
  });

  it('a deleted application, which the other API had just taken events for', async () => {
    const { app, as, workspace } = await tenantWithApplication(client);
    const send = (token: string) => otherClient.as(token).post(`/v1/applications/${app.id}/events`, event);
    // Both cached by the other API: the key's principal, and the application for the workspace token.
    expect((await send(app.credentials.privateAppKey)).status).toBe(202);
    expect((await send(workspace.apiToken)).status).toBe(202);

    const deleted = await as.delete(`/v1/applications/${app.id}`);
    expect([202, 204]).toContain(deleted.status);
    // Deleted for good (a 202 answers while the deletion runs), as the deleting API sees at once.
    await pollUntil(
      () => as.get(`/v1/applications/${app.id}`),
      (res) => res.status === 404,
    );
    expect((await refusedAfter(() => send(workspace.apiToken), 404)) < BOUND_MS + SLACK_MS).toBe(true);
    expect((await refusedAfter(() => send(app.credentials.privateAppKey), 401)) < BOUND_MS + SLACK_MS).toBe(
      true,
    );
  });
});
