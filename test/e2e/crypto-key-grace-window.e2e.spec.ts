import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CredentialsService, CryptoKeyUnusableError } from '../../libs/credentials/credentials.service';
import type { ProvisionApplicationInput } from '../../libs/domain/applications';
import { ApplicationsRepository } from '../../libs/persistence/repositories/applications.repository';
import { CryptoKeysRepository } from '../../libs/persistence/repositories/crypto-keys.repository';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { applicationProvisioning, cryptoKeyRotation } from '../../workflows';
import { rotationStateQuery } from '../../libs/temporal/contracts/crypto-key-rotation.contract';
import { useStack } from '../support/stack';
import { pollUntil } from '../support/poll';

/**
 * A 24-hour grace window on the time-skipping test server, with the real worker and activities
 * against FerretDB: the old key decrypts at 23 h and fails at 25 h, revoked by the workflow's timer.
 */
describe('Crypto Key grace window (time-skipping)', () => {
  const stack = useStack({ timeSkipping: true, api: false });
  let env: TestWorkflowEnvironment;
  let worker: INestApplicationContext;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE!;

  beforeAll(() => {
    env = stack.timeSkipping;
    worker = stack.worker;
  });

  it('keeps the old version decrypting for the window, then the durable timer revokes it', async () => {
    const applicationId = `app_${randomBytes(8).toString('hex')}`;
    const input: ProvisionApplicationInput = {
      applicationId,
      workspaceId: 'ws_grace',
      name: 'Grace',
      description: null,
      redirectUrl: null,
      encryptionMethod: 'AES-256-GCM',
      mode: 'test',
      cryptoKeyRotation: null,
      encryptWebhooks: false,
      requestedBy: { kind: 'workspace', id: 'ws_grace' },
    };
    await env.client.workflow.execute(applicationProvisioning, {
      workflowId: WorkflowIds.applicationProvisioning(applicationId),
      taskQueue,
      args: [input],
    });
    const credentials = worker.get(CredentialsService);
    const application = (await worker.get(ApplicationsRepository).findById(applicationId))!;
    const sealedWithV1 = await credentials.encrypt(application, {
      applicantId: 'appl_1',
      status: 'COMPLETED',
    });
    expect(sealedWithV1.kid).toBe(1);

    const startedAt = await env.currentTimeMs();
    const rotation = await env.client.workflow.start(cryptoKeyRotation, {
      workflowId: WorkflowIds.cryptoKeyRotation(applicationId),
      taskQueue,
      args: [
        { applicationId, graceWindowMs: 24 * 3600_000, requestedBy: { kind: 'workspace', id: 'ws_grace' } },
      ],
    });
    const state = await pollUntil(
      () => rotation.query(rotationStateQuery),
      (s) => s.newVersion === 2,
    );
    expect(Date.parse(state.retiringUntil!) - startedAt).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);

    await env.sleep('23 hours');
    await expect(credentials.decrypt(application, sealedWithV1)).resolves.toEqual({
      applicantId: 'appl_1',
      status: 'COMPLETED',
    });
    const retiring = await worker.get(CryptoKeysRepository).find(applicationId, 1);
    expect(retiring?.status).toBe('retiring');

    await env.sleep('2 hours');
    const result = await rotation.result();
    expect(result).toMatchObject({ previousVersion: 1, newVersion: 2 });
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(25 * 3600_000);
    await expect(credentials.decrypt(application, sealedWithV1)).rejects.toThrow(CryptoKeyUnusableError);
    await expect(credentials.decrypt(application, sealedWithV1)).rejects.toThrow(/version 1 was revoked/);
    const sealedWithV2 = await credentials.encrypt(application, { ok: true });
    expect(sealedWithV2.kid).toBe(2);
    await expect(credentials.decrypt(application, sealedWithV2)).resolves.toEqual({ ok: true });
  });
});
