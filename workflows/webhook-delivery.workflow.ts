import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ChildWorkflowOptions,
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { WebhookAttemptsActivities } from '../activities/webhook-attempts.activities';
import { jittered } from '../libs/domain/retry-policy';
import { DeliveryInput, DeliveryState, statusAfterAttempt } from '../libs/domain/webhooks';
import {
  cancelSignal,
  deliveryStateQuery,
  retryNowSignal,
} from '../libs/temporal/contracts/webhook-delivery.contract';
import { deliverySearchAttributes, SearchAttributes } from '../libs/temporal/search-attributes';
import { WorkflowIds } from '../libs/temporal/workflow-ids';
import { heartbeatingWebhookAttempt, webhookAttempt } from './activity-options';

const { attemptDelivery, cancelDelivery } =
  proxyActivities<WebhookAttemptsActivities>(heartbeatingWebhookAttempt);
// The first attempt runs as a local activity: most deliveries succeed at once, and then the whole
// delivery is one workflow task (no activity task round trip). A worker dying mid-attempt fails the
// workflow task, which another worker retries; the attempt is recorded once either way.
const { attemptDelivery: attemptDeliveryLocally } =
  proxyLocalActivities<WebhookAttemptsActivities>(webhookAttempt);

/** How another workflow starts a delivery as its child: it outlives its parent, and runs once for good. */
export function deliveryAsChild(
  delivery: DeliveryInput,
): Omit<ChildWorkflowOptions, 'typeInfo'> & { args: [DeliveryInput] } {
  return {
    workflowId: WorkflowIds.webhookDelivery(delivery.eventId, delivery.webhookId),
    args: [delivery],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    // A delivery that already ran is not run again; retries are the API's.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: deliverySearchAttributes(delivery),
  };
}

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
      of: { eventId: input.eventId, webhookId: input.webhookId, applicationId: input.applicationId },
    };
    const outcome =
      attempt === 1 && patched('first-attempt-local')
        ? await attemptDeliveryLocally(request)
        : await attemptDelivery(request);
    state.attempts = attempt;
    state.lastError = outcome.error;
    state.status = statusAfterAttempt(outcome, isLast);
    if (state.status === 'pending') {
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
