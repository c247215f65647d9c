import type { OperationalEvent } from '../../libs/domain/webhooks';
import {
  keyRotatedUpdate,
  rotationStateQuery,
} from '../../libs/temporal/contracts/crypto-key-rotation.contract';
import { cryptoKeyRotation } from '../../workflows/crypto-key-rotation.workflow';
import { pollUntil } from '../support/poll';
import { WorkflowHarness } from '../support/workflow-harness';

const WEEK_MS = 7 * 24 * 3_600_000;
const requestedBy = { kind: 'workspace' as const, id: 'ws_1' };

/**
 * The rotation workflow alone, its activities replaced: the new version is current at once, the
 * event announces it, and the previous version is revoked by a durable timer after the grace
 * window (a week of workflow time in a second or two).
 */
describe('cryptoKeyRotation workflow', () => {
  let harness: WorkflowHarness;
  let rotations = 0;

  beforeAll(async () => {
    harness = await WorkflowHarness.create();
  });
  afterAll(() => harness?.teardown());

  function keyStore() {
    const calls = {
      rotated: [] as { retiringUntil: string | null }[],
      raised: [] as OperationalEvent[],
      revoked: [] as { version: number; atMs: number }[],
    };
    return {
      calls,
      activities: {
        rotateCryptoKey: async (input: { retiringUntil: string | null }) => {
          calls.rotated.push({ retiringUntil: input.retiringUntil });
          return { previousVersion: 1, newVersion: 2 };
        },
        raiseEvent: async (event: OperationalEvent) => void calls.raised.push(event),
        revokeCryptoKeyVersion: async (input: { version: number }) =>
          void calls.revoked.push({ version: input.version, atMs: await harness.now() }),
      },
    };
  }

  it('revokes the previous version once the grace window has passed, and says so meanwhile', async () => {
    const store = keyStore();
    const applicationId = `app_${++rotations}`;
    const { result, startedAtMs } = await harness.withWorker(store.activities, async (taskQueue) => {
      const startedAtMs = await harness.now();
      const handle = await harness.env.client.workflow.start(cryptoKeyRotation, {
        workflowId: `rotation-${applicationId}`,
        taskQueue,
        args: [{ applicationId, graceWindowMs: WEEK_MS, requestedBy }],
      });
      // The API's wait: answered as soon as the new version is current.
      await expect(handle.executeUpdate(keyRotatedUpdate)).resolves.toMatchObject({ newVersion: 2 });
      // The clock jumps only while a result is awaited: until then the grace window holds.
      const during = await pollUntil(
        () => handle.query(rotationStateQuery),
        (s) => s.phase === 'grace window',
      );
      expect(during).toMatchObject({ previousVersion: 1, newVersion: 2 });
      expect(store.calls.revoked).toEqual([]);
      return { result: await handle.result(), startedAtMs };
    });

    expect(result).toMatchObject({ applicationId, previousVersion: 1, newVersion: 2 });
    expect(store.calls.revoked).toHaveLength(1);
    expect(store.calls.revoked[0].version).toBe(1);
    expect(store.calls.revoked[0].atMs - startedAtMs).toBeGreaterThanOrEqual(WEEK_MS);
    const retiringUntil = store.calls.rotated[0].retiringUntil!;
    expect(Date.parse(retiringUntil) - startedAtMs).toBeGreaterThanOrEqual(WEEK_MS);
    expect(store.calls.raised).toEqual([
      {
        applicationId,
        eventType: 'APPLICATION_CRYPTO_KEY_ROTATED',
        data: { applicationId, previousVersion: 1, newVersion: 2, previousVersionValidUntil: retiringUntil },
        occurrence: `${applicationId}:2`,
      },
    ]);
  });

  it('without a grace window, the previous version stops at once: no timer, nothing to revoke later', async () => {
    const store = keyStore();
    const applicationId = `app_${++rotations}`;
    const result = await harness.withWorker(store.activities, (taskQueue) =>
      harness.env.client.workflow.execute(cryptoKeyRotation, {
        workflowId: `rotation-${applicationId}`,
        taskQueue,
        args: [{ applicationId, graceWindowMs: 0, requestedBy }],
      }),
    );

    expect(result).toMatchObject({ previousVersion: 1, newVersion: 2 });
    expect(store.calls.rotated).toEqual([{ retiringUntil: null }]);
    expect(store.calls.revoked).toEqual([]);
    expect(store.calls.raised[0].data).toMatchObject({ previousVersionValidUntil: null });
  });
});
