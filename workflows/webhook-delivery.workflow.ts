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
import {
  AttemptOutcome,
  AttemptRequest,
  DeliveryInput,
  DeliveryOpening,
  DeliveryState,
  DeliveryStatus,
  statusAfterAttempt,
} from '../libs/domain/webhooks';
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
    // The first version's runs are pending from their start.
    typedSearchAttributes: [
      ...deliverySearchAttributes(delivery),
      { key: SearchAttributes.DeliveryStatus, value: 'pending' },
    ],
  };
}

/**
 * Webhook delivery: attempt, and until an attempt succeeds or the retry schedule runs out, wait
 * on a durable timer and attempt again (under a rate limit, an attempt first waits for its turn). Every attempt is recorded by the activity that makes it;
 * the first also records the event and opens the delivery when the API started it directly.
 * A delivery that succeeds at once is one workflow task: started, one local activity, completed.
 * Its search attributes are set at start; DeliveryStatus is added only when it does not succeed at
 * once (pending while it retries, then how it ended).
 */
export async function webhookDeliveryV2(input: DeliveryInput): Promise<DeliveryState> {
  const { state, requests } = deliveryHandlers();
  for (let attempt = 1; state.status === 'pending' && !requests.cancelled; attempt++) {
    const request = attemptRequest(input, attempt);
    const outcome = await inTurn(
      attempt === 1
        ? (req) => attemptDeliveryLocally({ ...req, ...(input.event && { opening: openingOf(input) }) })
        : attemptDelivery,
      request,
      state,
      requests,
    );
    if (!outcome) break;
    noteAttempt(state, outcome, request.isLast, attempt);
    if (state.status === 'pending') {
      if (attempt === 1) markStatus('pending');
      await waitBeforeAttempt(
        state,
        requests,
        outcome.retryAfterMs ?? jittered(input.retryScheduleMs[attempt - 1], Math.random()),
      );
    }
  }
  await endIfCancelled(state, input);
  if (state.status !== 'succeeded' || state.attempts > 1) markStatus(state.status);
  return state;
}

/**
 * The first version, kept while histories of it may run (deliveries started before
 * webhookDeliveryV2, and the ordered webhooks' sequences' children): its patches stay as recorded.
 */
export async function webhookDelivery(input: DeliveryInput): Promise<DeliveryState> {
  const { state, requests } = deliveryHandlers();
  for (let attempt = 1; state.status === 'pending' && !requests.cancelled; attempt++) {
    const request = attemptRequest(input, attempt);
    const make = attempt === 1 && patched('first-attempt-local') ? attemptDeliveryLocally : attemptDelivery;
    const outcome = await inTurn(make, request, state, requests);
    if (!outcome) break;
    noteAttempt(state, outcome, request.isLast, attempt);
    if (state.status === 'pending') {
      // The receiver's Retry-After is kept as asked; our own schedule gets jitter.
      const scheduled = input.retryScheduleMs[attempt - 1];
      const delay =
        outcome.retryAfterMs ?? (patched('retry-jitter') ? jittered(scheduled, Math.random()) : scheduled);
      await waitBeforeAttempt(state, requests, delay);
    }
  }
  await endIfCancelled(state, input);
  markStatus(state.status);
  return state;
}

/** What operators and the API may ask of a delivery while it runs: its state, retry now, cancel. */
function deliveryHandlers() {
  const state: DeliveryState = { status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null };
  const requests = { retryNow: false, cancelled: false };
  setHandler(retryNowSignal, () => void (requests.retryNow = true));
  setHandler(cancelSignal, () => void (requests.cancelled = true));
  setHandler(deliveryStateQuery, () => state);
  return { state, requests };
}

/**
 * An attempt, in its turn: under its webhook's rate limit the attempt may first answer `waiting`
 * with a turn; the delivery waits for it on a durable timer (no worker slot held, no attempt
 * spent, a cancel cuts it short) and asks again with the turn. Null when cancelled meanwhile.
 */
async function inTurn(
  make: (request: AttemptRequest) => Promise<AttemptOutcome>,
  request: AttemptRequest,
  state: DeliveryState,
  requests: { cancelled: boolean },
): Promise<AttemptOutcome | null> {
  for (;;) {
    const outcome = await make(request);
    if (outcome.result !== 'waiting' || !outcome.turn) return outcome;
    request = { ...request, turn: outcome.turn };
    state.nextAttemptAt = outcome.turn.at;
    // As the activity measured it: the workflow's clock has not moved during a local activity.
    const cancelled = await condition(() => requests.cancelled, outcome.retryAfterMs ?? 1);
    state.nextAttemptAt = null;
    if (cancelled) return null;
  }
}

function attemptRequest(input: DeliveryInput, attempt: number): AttemptRequest {
  return {
    deliveryId: input.deliveryId,
    series: input.series,
    attempt,
    scheduledAt: new Date().toISOString(),
    isLast: attempt > input.retryScheduleMs.length,
    of: { eventId: input.eventId, webhookId: input.webhookId, applicationId: input.applicationId },
  };
}

const openingOf = ({ event, eventType, subject }: DeliveryInput): DeliveryOpening => ({
  ...event!,
  eventType,
  ...(subject && { subject }),
});

function noteAttempt(state: DeliveryState, outcome: AttemptOutcome, isLast: boolean, attempt: number) {
  state.attempts = attempt;
  state.lastError = outcome.error;
  state.status = statusAfterAttempt(outcome, isLast);
}

/** The durable wait before the next attempt, cut short by a retry-now or a cancel signal. */
async function waitBeforeAttempt(
  state: DeliveryState,
  requests: { retryNow: boolean; cancelled: boolean },
  delayMs: number,
) {
  state.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
  await condition(() => requests.retryNow || requests.cancelled, delayMs);
  requests.retryNow = false;
  state.nextAttemptAt = null;
}

/** Told to stop while retries remained: the delivery ends cancelled, on record too. */
async function endIfCancelled(state: DeliveryState, input: DeliveryInput) {
  if (state.status !== 'pending') return;
  state.status = 'cancelled';
  await cancelDelivery({ deliveryId: input.deliveryId, series: input.series });
}

const markStatus = (status: DeliveryStatus) =>
  upsertSearchAttributes([{ key: SearchAttributes.DeliveryStatus, value: status }]);
