import { ChildWorkflowFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  condition,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WebhookEventsActivities } from '../activities/webhook-events.activities';
import type { DeliveryInput, DeliverySequenceInput, SequencedEvent } from '../libs/domain/webhooks';
import {
  deliveryOpenedSignal,
  eventAcceptedSignal,
  sequenceStateQuery,
} from '../libs/temporal/contracts/delivery-sequence.contract';
import { quickStep } from './activity-options';
import { deliveryAsChild, webhookDelivery } from './webhook-delivery.workflow';

// Whether an event's dispatch has ended, asked as an activity: its answer is recorded after any
// signal the dispatch sent before ending, and delivered after it. As a local activity (sequences
// started before the patch) the answer came within the workflow task, ahead of a signal that had
// arrived meanwhile: the sequence could conclude "ended without a delivery for us" and skip it.
const { dispatchEnded } = proxyActivities<WebhookEventsActivities>(quickStep);
const { dispatchEnded: dispatchEndedLocally } = proxyLocalActivities<WebhookEventsActivities>(quickStep);

/** An idle sequence closes after this; the next event about the subject starts it again. */
const IDLE_MS = 60_000;
/** An event accepted but not yet opened: first look whether its dispatch is still coming, then less often. */
const FIRST_LOOK_MS = 5_000;
const LAST_LOOK_MS = 60_000;
/** How many events through the line are remembered, to ignore repeated signals about them. */
const RECENT = 256;
/** History length at which a run hands over to the next (well under Temporal's limits). */
const LONG_HISTORY = 4_000;

/**
 * Delivery sequence of one webhook for one subject (ordering `subject`): the events about the
 * subject are delivered one at a time, in the order they were accepted. Each takes its place in
 * line when the API accepts it; its dispatch opens its delivery; its delivery workflow starts when
 * the one before it has ended, succeeded or finally failed. Other subjects have sequences of their own.
 */
export async function deliverySequence(input: DeliverySequenceInput): Promise<void> {
  const line: SequencedEvent[] = input.line ?? [];
  const recent: string[] = input.recent ?? [];
  const inLine = (eventId: string) => line.find((e) => e.eventId === eventId);
  const tooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > LONG_HISTORY;

  setHandler(eventAcceptedSignal, (eventId) => {
    if (!inLine(eventId) && !recent.includes(eventId)) line.push({ eventId });
  });
  setHandler(deliveryOpenedSignal, ({ eventId, delivery }) => {
    const event = inLine(eventId);
    if (event) event.delivery ??= delivery;
    // Opened without a place yet (the API stopped before it told us): it goes last.
    else if (!recent.includes(eventId)) line.push({ eventId, delivery });
  });
  setHandler(sequenceStateQuery, () => ({ waiting: line.length, head: line[0] ?? null }));

  /** Waits for the event's delivery to be opened, or for its dispatch to be found over without it. */
  async function opened(event: SequencedEvent): Promise<void> {
    for (let look = FIRST_LOOK_MS; event.delivery === undefined && !tooLong();) {
      if (await condition(() => event.delivery !== undefined || tooLong(), look)) continue;
      // Its dispatch ended without a word for us (a repeated request, a webhook changed since): skip it.
      const ended = patched('dispatch-ended-in-history')
        ? await dispatchEnded(event.eventId)
        : await dispatchEndedLocally(event.eventId);
      if (ended && event.delivery === undefined) event.delivery = null;
      look = Math.min(look * 2, LAST_LOOK_MS);
    }
  }

  for (;;) {
    // Only between deliveries: a run hands over its line, never a delivery in flight.
    if (tooLong()) await continueAsNew<typeof deliverySequence>({ ...input, line, recent });
    if (line.length === 0 && !(await condition(() => line.length > 0 || tooLong(), IDLE_MS))) return;
    const head = line[0];
    if (!head) continue;
    await opened(head);
    if (head.delivery === undefined) continue;
    if (head.delivery) await deliverInTurn(head.delivery);
    line.shift();
    recent.push(head.eventId);
    if (recent.length > RECENT) recent.shift();
  }
}

/** Runs the event's delivery workflow to its end, however it ends. */
async function deliverInTurn(delivery: DeliveryInput): Promise<void> {
  try {
    await executeChild(webhookDelivery, deliveryAsChild(delivery));
  } catch (err) {
    // Started before (a signal repeated after this sequence forgot the event), or terminated by
    // hand: either way its turn is over.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) && !(err instanceof ChildWorkflowFailure))
      throw err;
  }
}
