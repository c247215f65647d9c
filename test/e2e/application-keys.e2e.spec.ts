import { Client } from '@temporalio/client';
import { ScheduleIds, WorkflowIds } from '../../libs/temporal/workflow-ids';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

describe('application keys: rotation, schedules, Private App Key, deletion (real Temporal and FerretDB)', () => {
  const stack = useStack({ temporal: true });
  let temporal: Client;
  let workspace: { id: string; apiToken: string };

  beforeAll(async () => {
    temporal = new Client({ connection: stack.temporal });
    workspace = await stack.client.createWorkspace('Keys');
  });

  const as = () => stack.client.as(workspace.apiToken);
  const versions = async (id: string) =>
    (await as().get(`/v1/applications/${id}/crypto-key/versions`).expect(200)).body.items;
  const actions = async (id: string) =>
    (await as().get(`/v1/applications/${id}/audit-events`).expect(200)).body.items.map(
      (e: { action: string }) => e.action,
    );

  it('rotates with no grace window: the new version is current and the old one revoked at once', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    const res = await as().post(`/v1/applications/${app.id}/crypto-key/rotate`, {}).expect(202);
    expect(res.body).toMatchObject({
      workflowId: WorkflowIds.cryptoKeyRotation(app.id),
      previousVersion: 1,
      newVersion: 2,
      previousVersionValidUntil: null,
    });
    expect(await versions(app.id)).toMatchObject([
      { version: 2, status: 'current', revokedAt: null },
      { version: 1, status: 'revoked', revokedAt: expect.any(String) },
    ]);
    const credentials = await as().get(`/v1/applications/${app.id}/credentials`).expect(200);
    expect(credentials.body.cryptoKeyVersion).toBe(2);
    expect(credentials.body.cryptoKey).not.toBe(app.credentials.cryptoKey);
    const audit = (await as().get(`/v1/applications/${app.id}/audit-events`).expect(200)).body.items;
    expect(audit.find((e: { action: string }) => e.action === 'crypto_key.rotated')).toMatchObject({
      actor: { kind: 'workspace', id: workspace.id },
      details: { oldVersion: 1, newVersion: 2, graceWindowMs: 0 },
    });
    const byAttribute = await pollUntil(
      async () => {
        const found: string[] = [];
        for await (const w of temporal.workflow.list({ query: `ApplicationId = "${app.id}"` }))
          found.push(w.workflowId);
        return found.sort();
      },
      (found) => found.length === 3,
    );
    // The third: the dispatch of the APPLICATION_CRYPTO_KEY_ROTATED event the rotation raised.
    expect(byAttribute).toEqual([
      WorkflowIds.applicationProvisioning(app.id),
      WorkflowIds.cryptoKeyRotation(app.id),
      expect.stringMatching(/^event-dispatch:evt_/),
    ]);
    const history = JSON.stringify(await temporal.workflow.getHandle(res.body.workflowId).fetchHistory());
    expect(history).not.toContain(app.credentials.cryptoKey);
    expect(history).not.toContain(credentials.body.cryptoKey);
  });

  it('keeps the old version retiring through a grace window, and refuses a second rotation meanwhile (409 naming the run)', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    const first = await as()
      .post(`/v1/applications/${app.id}/crypto-key/rotate`, { graceWindow: 'PT2H' })
      .expect(202);
    expect(Date.parse(first.body.previousVersionValidUntil) - Date.now()).toBeGreaterThan(119 * 60_000);
    expect(await versions(app.id)).toMatchObject([
      { version: 2, status: 'current' },
      { version: 1, status: 'retiring', retiringUntil: first.body.previousVersionValidUntil },
    ]);
    const second = await as().post(`/v1/applications/${app.id}/crypto-key/rotate`, {}).expect(409);
    expect(second.body).toMatchObject({
      code: 'ROTATION_IN_PROGRESS',
      details: { workflowId: first.body.workflowId, runId: first.body.runId },
    });
    expect(second.body.message).toContain(first.body.runId);
  });

  it('gives one rotation for two concurrent requests', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    const answers = await Promise.all([
      as().post(`/v1/applications/${app.id}/crypto-key/rotate`, { graceWindow: '1h' }),
      as().post(`/v1/applications/${app.id}/crypto-key/rotate`, { graceWindow: '1h' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    expect((await versions(app.id)).map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('rotates on a schedule: PUT creates it, GET shows the next run, a fired schedule rotates, DELETE removes it', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    const put = await as()
      .put(`/v1/applications/${app.id}/crypto-key/rotation-schedule`, { every: 'P30D', graceWindow: 'PT0S' })
      .expect(200);
    expect(put.body).toMatchObject({
      every: 'P30D',
      graceWindow: 'PT0S',
      scheduleId: ScheduleIds.cryptoKeyRotation(app.id),
    });
    const shown = await as().get(`/v1/applications/${app.id}`).expect(200);
    expect(shown.body.cryptoKeyRotation).toMatchObject({ every: 'P30D', graceWindow: 'PT0S' });
    expect(Date.parse(shown.body.cryptoKeyRotation.nextRunAt)).toBeGreaterThan(Date.now());

    await temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(app.id)).trigger();
    const rotated = await pollUntil(
      () => versions(app.id),
      (items) => items[0]?.version === 2,
    );
    expect(rotated[0]).toMatchObject({ version: 2, status: 'current' });
    const audit = (await as().get(`/v1/applications/${app.id}/audit-events`).expect(200)).body.items;
    expect(audit.find((e: { action: string }) => e.action === 'crypto_key.rotated').actor).toEqual({
      kind: 'schedule',
      id: ScheduleIds.cryptoKeyRotation(app.id),
    });

    await as().delete(`/v1/applications/${app.id}/crypto-key/rotation-schedule`).expect(204);
    expect((await as().get(`/v1/applications/${app.id}`).expect(200)).body.cryptoKeyRotation).toBeNull();
    await expect(
      temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(app.id)).describe(),
    ).rejects.toThrow();
  });

  it('creates the schedule during provisioning when the application asks for one, and PATCH changes it', async () => {
    const app = await stack.client.createApplication(workspace.apiToken, {
      cryptoKeyRotation: { every: '24h', graceWindow: '1h' },
    });
    const description = await temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(app.id)).describe();
    expect(Number(description.spec.intervals?.[0]?.every)).toBe(24 * 3600 * 1000);
    await as()
      .patch(`/v1/applications/${app.id}`, { cryptoKeyRotation: { every: 'P7D' } })
      .expect(200);
    const changed = await temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(app.id)).describe();
    expect(Number(changed.spec.intervals?.[0]?.every)).toBe(7 * 24 * 3600 * 1000);
    await as().patch(`/v1/applications/${app.id}`, { cryptoKeyRotation: null }).expect(200);
    await expect(
      temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(app.id)).describe(),
    ).rejects.toThrow();
  });

  it('regenerates the Private App Key: the new one authenticates, the old one stops at once', async () => {
    const app = await stack.client.createApplication(workspace.apiToken);
    await stack.client.as(app.credentials.privateAppKey).get(`/v1/applications/${app.id}`).expect(200);
    const res = await as().post(`/v1/applications/${app.id}/private-app-key/regenerate`).expect(200);
    expect(res.body.privateAppKey).toMatch(/^pak_test_/);
    expect(res.body.privateAppKey).not.toBe(app.credentials.privateAppKey);
    const old = await stack.client
      .as(app.credentials.privateAppKey)
      .get(`/v1/applications/${app.id}`)
      .expect(401);
    expect(old.body.code).toBe('UNAUTHORIZED');
    await stack.client.as(res.body.privateAppKey).get(`/v1/applications/${app.id}`).expect(200);
    expect(await actions(app.id)).toContain('private_app_key.regenerated');
  });

  it('deletes an application with its schedule, keys and running rotation, leaving other applications untouched', async () => {
    const doomed = await stack.client.createApplication(workspace.apiToken, {
      cryptoKeyRotation: { every: '24h' },
    });
    const bystander = await stack.client.createApplication(workspace.apiToken, {
      cryptoKeyRotation: { every: '24h' },
    });
    await as().post(`/v1/applications/${doomed.id}/crypto-key/rotate`, { graceWindow: '1d' }).expect(202);

    await as().delete(`/v1/applications/${doomed.id}`).expect(204);
    await as().get(`/v1/applications/${doomed.id}`).expect(404);
    await as().get(`/v1/applications/${doomed.id}/credentials`).expect(404);
    await stack.client.as(doomed.credentials.privateAppKey).get(`/v1/applications/${doomed.id}`).expect(401);
    await expect(
      temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(doomed.id)).describe(),
    ).rejects.toThrow();
    const rotation = await temporal.workflow.getHandle(WorkflowIds.cryptoKeyRotation(doomed.id)).describe();
    expect(rotation.status.name).toBe('TERMINATED');

    await as().get(`/v1/applications/${bystander.id}`).expect(200);
    const credentials = await as().get(`/v1/applications/${bystander.id}/credentials`).expect(200);
    expect(credentials.body).toEqual(bystander.credentials);
    await temporal.schedule.getHandle(ScheduleIds.cryptoKeyRotation(bystander.id)).describe();
  });
});
