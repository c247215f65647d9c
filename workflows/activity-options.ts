import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * How long each kind of activity may take and how it is retried, in one place. An activity throws
 * only for trouble that passes (the database or Temporal away): retried until it is back. What a
 * step decides (a name taken, a receiver's answer) is a returned result or a non-retryable failure.
 */

/** A few quick database writes. */
export const quickStep: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Provisioning's steps: snappy retries, for an API call waiting on them; a name taken is final. */
export const provisioningStep: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['NameTaken'],
  },
};

/** Deletion's steps on the application: a schedule, a workflow, documents. */
export const deletionStep: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Deleting an application's webhooks: every delivery signalled, then many documents. */
export const webhookCleanupStep: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** The diagnostic roundtrip: one write, answered while the API waits. */
export const roundtripStep: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '2 seconds' },
};

/** A batch of data retention or erasure: a few hundred documents read, erased or deleted. */
export const retentionBatch: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Recording that a scheduled rotation was skipped. */
export const scheduleBookkeeping: ActivityOptions = { startToCloseTimeout: '30 seconds' };

/**
 * One webhook attempt: one HTTP request (at most 60 s) plus its bookkeeping. Only infrastructure
 * trouble throws, retried until it is back, so no attempt is lost; what the receiver did is a
 * returned outcome, never an activity retry.
 */
export const webhookAttempt: LocalActivityOptions = {
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/** A webhook attempt as a task-queue activity: it heartbeats, so a worker dying mid-attempt is noticed within 10 s. */
export const heartbeatingWebhookAttempt: ActivityOptions = {
  ...webhookAttempt,
  heartbeatTimeout: '10 seconds',
};

/**
 * A batch of a webhook's recovery. Infrastructure trouble is retried for about half an hour,
 * then the recovery fails visibly; what can no longer be retried is the activity's answer.
 */
export const recoveryBatch: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 40 },
};
