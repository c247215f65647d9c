import {
  Client,
  ScheduleNotFoundError,
  ScheduleOptionsAction,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { CryptoKeyRotationSettings } from '../domain/applications';
import { scheduledCryptoKeyRotation } from '../../workflows/scheduled-crypto-key-rotation.workflow';
import { SearchAttributes } from './search-attributes';
import { ScheduleIds, WorkflowIds } from './workflow-ids';

export interface RotationScheduleInfo {
  scheduleId: string;
  everyMs: number;
  graceWindowMs: number;
  /** ISO 8601, or null when paused or exhausted. */
  nextRunAt: string | null;
}

function rotationAction(
  applicationId: string,
  settings: CryptoKeyRotationSettings,
  taskQueue: string,
): ScheduleOptionsAction {
  return {
    type: 'startWorkflow',
    workflowType: scheduledCryptoKeyRotation,
    workflowId: WorkflowIds.scheduledCryptoKeyRotation(applicationId),
    taskQueue,
    args: [{ applicationId, graceWindowMs: settings.graceWindowMs }],
    typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: applicationId }],
  };
}

/**
 * Creates or updates the application's Crypto Key rotation schedule. Idempotent: safe to call
 * from an activity that may be retried, or twice from the API.
 */
export async function upsertRotationSchedule(
  client: Client,
  taskQueue: string,
  applicationId: string,
  settings: CryptoKeyRotationSettings,
): Promise<void> {
  const scheduleId = ScheduleIds.cryptoKeyRotation(applicationId);
  const spec = { intervals: [{ every: settings.everyMs }] };
  const action = rotationAction(applicationId, settings, taskQueue);
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.update((previous) => ({ ...previous, spec, action }));
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { applicationId },
      typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: applicationId }],
    });
  }
}

/** Removes the schedule; nothing to do when there is none. */
export async function deleteRotationSchedule(client: Client, applicationId: string): Promise<void> {
  try {
    await client.schedule.getHandle(ScheduleIds.cryptoKeyRotation(applicationId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

export async function describeRotationSchedule(
  client: Client,
  applicationId: string,
): Promise<RotationScheduleInfo | null> {
  const scheduleId = ScheduleIds.cryptoKeyRotation(applicationId);
  try {
    const description = await client.schedule.getHandle(scheduleId).describe();
    const interval = description.spec.intervals?.[0];
    const args = (description.action as { args?: { graceWindowMs: number }[] }).args;
    const next = description.info.nextActionTimes[0];
    return {
      scheduleId,
      everyMs: interval?.every ?? 0,
      graceWindowMs: args?.[0]?.graceWindowMs ?? 0,
      nextRunAt: next ? next.toISOString() : null,
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}
