import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { startWorker } from '../support/app';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';

/** With no worker polling yet, an application is accepted and reads as provisioning; keys come with the worker. */
describe('credentials exist only once provisioning has run', () => {
  const taskQueue = `${process.env.TEMPORAL_TASK_QUEUE}-late-worker-${randomBytes(3).toString('hex')}`;
  const stack = useStack({
    api: { TEMPORAL_TASK_QUEUE: taskQueue, API_WORKFLOW_WAIT_MS: '300' },
    worker: false,
  });
  let worker: INestApplicationContext | undefined;

  afterAll(() => worker?.close());

  it('answers 201 provisioning, 409 for credentials and keys meanwhile, then active with credentials', async () => {
    const client = stack.client;
    const workspace = await client.createWorkspace();
    const as = client.as(workspace.apiToken);
    const created = await as
      .post('/v1/applications', { name: 'Early', encryptionMethod: 'AES-256-GCM' })
      .expect(201);
    expect(created.body).toMatchObject({ status: 'provisioning', cryptoKeyVersion: null });
    expect(created.body.credentials).toBeUndefined();
    const id = created.body.id;

    expect((await as.get(`/v1/applications/${id}`).expect(200)).body.status).toBe('provisioning');
    for (const call of [
      as.get(`/v1/applications/${id}/credentials`),
      as.post(`/v1/applications/${id}/crypto-key/rotate`, {}),
      as.post(`/v1/applications/${id}/private-app-key/regenerate`),
      as.put(`/v1/applications/${id}/crypto-key/rotation-schedule`, { every: '30d' }),
    ]) {
      const res = await call.expect(409);
      expect(res.body.code).toBe('NOT_PROVISIONED');
    }
    const clash = await as
      .post('/v1/applications', { name: 'early', encryptionMethod: 'AES-256-GCM' })
      .expect(409);
    expect(clash.body.code).toBe('NAME_TAKEN');

    worker = await startWorker({ TEMPORAL_TASK_QUEUE: taskQueue });
    await pollUntil(
      async () => (await as.get(`/v1/applications/${id}`)).body.status,
      (status) => status === 'active',
    );
    const credentials = await as.get(`/v1/applications/${id}/credentials`).expect(200);
    expect(credentials.body).toMatchObject({ applicationId: id, cryptoKeyVersion: 1 });
  });
});
