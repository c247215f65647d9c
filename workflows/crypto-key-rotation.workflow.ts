import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { CryptoKeysActivities } from '../activities/crypto-keys.activities';
import type { WebhookEventsActivities } from '../activities/webhook-events.activities';
import type { CryptoKeyRotationResult, RotateCryptoKeyInput } from '../libs/domain/applications';
import {
  CryptoKeyRotationState,
  keyRotatedUpdate,
  rotationStateQuery,
} from '../libs/temporal/contracts/crypto-key-rotation.contract';
import { quickStep } from './activity-options';

const { rotateCryptoKey, revokeCryptoKeyVersion } = proxyActivities<CryptoKeysActivities>(quickStep);
const { raiseEvent } = proxyActivities<WebhookEventsActivities>(quickStep);

/**
 * Crypto Key rotation: a new version is current at once; the previous one keeps decrypting
 * through the grace window, then a durable timer revokes it. One per application at a time (the
 * workflow ID names the application).
 */
export async function cryptoKeyRotation(input: RotateCryptoKeyInput): Promise<CryptoKeyRotationResult> {
  const state: CryptoKeyRotationState = { phase: 'rotating' };
  setHandler(rotationStateQuery, () => state);
  setHandler(keyRotatedUpdate, async () => {
    await condition(() => state.newVersion !== undefined);
    return state;
  });

  const retiringUntil =
    input.graceWindowMs > 0 ? new Date(Date.now() + input.graceWindowMs).toISOString() : null;
  const { previousVersion, newVersion } = await rotateCryptoKey({ ...input, retiringUntil });
  Object.assign(state, { previousVersion, newVersion, retiringUntil: retiringUntil ?? undefined });
  // Runs started before the event existed go on without it.
  if (patched('announce-crypto-key-rotated')) {
    await raiseEvent({
      applicationId: input.applicationId,
      eventType: 'APPLICATION_CRYPTO_KEY_ROTATED',
      data: {
        applicationId: input.applicationId,
        previousVersion,
        newVersion,
        previousVersionValidUntil: retiringUntil,
      },
      occurrence: `${input.applicationId}:${newVersion}`,
    });
  }

  if (retiringUntil) {
    state.phase = 'grace window';
    await sleep(input.graceWindowMs);
    await revokeCryptoKeyVersion({
      applicationId: input.applicationId,
      version: previousVersion,
      requestedBy: input.requestedBy,
    });
  }
  state.phase = 'done';
  await condition(allHandlersFinished);
  return {
    applicationId: input.applicationId,
    previousVersion,
    newVersion,
    previousRevokedAt: new Date().toISOString(),
  };
}
