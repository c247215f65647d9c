import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { CryptoKeysActivities } from '../activities/crypto-keys.activities';
import { SearchAttributes } from '../libs/temporal/search-attributes';
import { ScheduleIds, WorkflowIds } from '../libs/temporal/workflow-ids';
import { scheduleBookkeeping } from './activity-options';
import { cryptoKeyRotation } from './crypto-key-rotation.workflow';

const { recordSkippedRotation } = proxyActivities<CryptoKeysActivities>(scheduleBookkeeping);

/**
 * What the rotation schedule runs: starts the application's rotation under its one-at-a-time ID,
 * so scheduled and manual rotations share that rule; skips (and says so) while one is running.
 */
export async function scheduledCryptoKeyRotation(input: {
  applicationId: string;
  graceWindowMs: number;
}): Promise<'started' | 'skipped'> {
  const requestedBy = { kind: 'schedule' as const, id: ScheduleIds.cryptoKeyRotation(input.applicationId) };
  try {
    await startChild(cryptoKeyRotation, {
      workflowId: WorkflowIds.cryptoKeyRotation(input.applicationId),
      args: [{ ...input, requestedBy }],
      // The rotation outlives this run: it may wait days for its grace window.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: input.applicationId }],
    });
    return 'started';
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await recordSkippedRotation({
      applicationId: input.applicationId,
      requestedBy,
      scheduledRun: workflowInfo().workflowId,
    });
    return 'skipped';
  }
}
