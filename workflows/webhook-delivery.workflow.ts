import {
  LocalActivityOptions,
  patched,
  proxyLocalActivities,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { WebhooksActivities } from '../activities/webhooks.activities';
import { jittered } from '../libs/domain/retry-policy';
import type { DeliveryInput, DeliveryState } from '../libs/domain/webhooks';
import { SearchAttributes } from '../libs/temporal/search-attributes';

const attemptOptions: LocalActivityOptions = {
  // One attempt is one HTTP request (at most 60 s) plus its bookkeeping.
  startToCloseTimeout: '90 seconds',
  // Only infrastructure trouble (the database away) throws: retried until it is back, so no
  // attempt is lost. What the receiver did is a returned outcome, never an activity retry.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
// It heartbeats, so a worker that dies mid-attempt is noticed within 10 s and the attempt is made
// again elsewhere.
const { attemptDelivery, cancelDelivery } = proxyActivities<WebhooksActivities>({
  ...attemptOptions,
  heartbeatTimeout: '10 seconds',
});

// The first attempt runs as a local activity: most deliveries succeed at once, and then the whole
// delivery is one workflow task (no activity task round trip). A worker dying mid-attempt fails the
// workflow task, which another worker retries; the attempt is recorded once either way.
const { attemptDelivery: attemptDeliveryLocally } = proxyLocalActivities<WebhooksActivities>(attemptOptions);

/** Skips the wait before the next attempt. */
export const retryNowSignal = defineSignal('retryNow');
/** Stops the delivery (it ends cancelled). */
export const cancelSignal = defineSignal('cancel');
export const deliveryStateQuery = defineQuery<DeliveryState>('state');

/**
 * Webhook delivery: attempt, and until an attempt succeeds or the retry schedule runs out, wait
 * on a durable timer and attempt again. Every attempt is recorded by the activity that makes it.
 */
export async function webhookDelivery(input: DeliveryInput): Promise<DeliveryState> {
  const state: DeliveryState = { status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null };
  let retryNow = false;
  let cancelled = false;
  setHandler(retryNowSignal, () => void (retryNow = true));
  setHandler(cancelSignal, () => void (cancelled = true));
  setHandler(deliveryStateQuery, () => state);

  for (let attempt = 1; state.status === 'pending' && !cancelled; attempt++) {
    const isLast = attempt > input.retryScheduleMs.length;
    const request = {
      deliveryId: input.deliveryId,
      series: input.series,
      attempt,
      scheduledAt: new Date().toISOString(),
      isLast,
    };
    const outcome =
      attempt === 1 && patched('first-attempt-local')
        ? await attemptDeliveryLocally(request)
        : await attemptDelivery(request);
    state.attempts = attempt;
    state.lastError = outcome.error;
    if (outcome.result === 'succeeded') state.status = 'succeeded';
    else if (outcome.result === 'skipped') state.status = 'cancelled';
    else if (outcome.result === 'stopped' || isLast) state.status = 'failed';
    else {
      // The receiver's Retry-After is kept as asked; our own schedule gets jitter.
      const scheduled = input.retryScheduleMs[attempt - 1];
      const delay =
        outcome.retryAfterMs ?? (patched('retry-jitter') ? jittered(scheduled, Math.random()) : scheduled);
      state.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      await condition(() => retryNow || cancelled, delay);
      retryNow = false;
      state.nextAttemptAt = null;
    }
  }
  if (state.status === 'pending') {
    state.status = 'cancelled';
    await cancelDelivery({ deliveryId: input.deliveryId, series: input.series });
  }
  upsertSearchAttributes([{ key: SearchAttributes.DeliveryStatus, value: state.status }]);
  return state;
}
