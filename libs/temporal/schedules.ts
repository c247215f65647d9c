import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOptions,
  ScheduleOptionsAction,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { CryptoKeyRotationSettings } from '../domain/applications';
import { DataRetentionWorkflow } from './contracts/data-retention.contract';
import { ScheduledCryptoKeyRotationWorkflow } from './contracts/scheduled-crypto-key-rotation.contract';
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
    workflowType: ScheduledCryptoKeyRotationWorkflow.name,
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
  await upsertSchedule(client, {
    scheduleId: ScheduleIds.cryptoKeyRotation(applicationId),
    spec: { intervals: [{ every: settings.everyMs }] },
    action: rotationAction(applicationId, settings, taskQueue),
    memo: { applicationId },
    typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: applicationId }],
  });
}

/**
 * Creates a schedule, or updates its spec and action if it exists: idempotent, also when two
 * processes do it at once (one creates, the other then updates). A run still going when the next
 * is due makes that one skip; runs missed while Temporal was down are made up for an hour.
 */
export async function upsertSchedule(
  client: Client,
  schedule: Omit<ScheduleOptions, 'policies'>,
): Promise<void> {
  const { spec, action } = schedule;
  const update = () =>
    client.schedule.getHandle(schedule.scheduleId).update((previous) => ({ ...previous, spec, action }));
  try {
    await update();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    try {
      await client.schedule.create({
        ...schedule,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      });
    } catch (raced) {
      if (!(raced instanceof ScheduleAlreadyRunning)) throw raced;
      await update();
    }
  }
}

/** Runs the data retention workflow every `everyMs` (the deployment's one schedule for it). */
export async function upsertRetentionSchedule(
  client: Client,
  taskQueue: string,
  everyMs: number,
): Promise<void> {
  await upsertSchedule(client, {
    scheduleId: ScheduleIds.dataRetention(taskQueue),
    spec: { intervals: [{ every: everyMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: DataRetentionWorkflow.name,
      workflowId: WorkflowIds.dataRetention(taskQueue),
      taskQueue,
      args: [{}],
    },
  });
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
