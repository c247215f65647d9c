import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { patched, proxyActivities, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { WebhookEventsActivities } from '../activities/webhook-events.activities';
import { deliveryInputOf, DispatchEventInput, excludedWebhooksOf, Recorded } from '../libs/domain/webhooks';
import { quickStep } from './activity-options';
import { deliveryAsChild, webhookDelivery } from './webhook-delivery.workflow';

const { recordEvent, openDeliveries } = proxyActivities<WebhookEventsActivities>(quickStep);
// One local activity: no task queue round trip, one marker in the history, one workflow task.
const { dispatchEvent, acceptEvent } = proxyLocalActivities<WebhookEventsActivities>(quickStep);

/**
 * Event dispatch: record the event, open one delivery per subscribed webhook, and start a
 * delivery workflow for each. The deliveries outlive this workflow.
 */
export async function eventDispatch(input: Recorded<DispatchEventInput>): Promise<{ deliveries: number }> {
  if (patched('deliveries-started-by-activity')) return { deliveries: await dispatchEvent(input) };
  return startedAsChildren(input);
}

/**
 * How dispatches started before `deliveries-started-by-activity` go on (kept for their replay):
 * the deliveries are child workflows, each start two more workflow tasks of the dispatch's.
 */
async function startedAsChildren(input: Recorded<DispatchEventInput>): Promise<{ deliveries: number }> {
  let opened;
  if (patched('accept-event-locally')) {
    opened = await acceptEvent(input);
  } else {
    // Dispatches started before the local activity (kept for their replay).
    await recordEvent(input);
    opened = await openDeliveries({
      eventId: input.eventId,
      eventType: input.eventType,
      applicationId: input.applicationId,
      excludeWebhookIds: excludedWebhooksOf(input),
    });
  }
  const deliveries = opened.map(deliveryInputOf);
  await Promise.all(
    deliveries.map(async (delivery) => {
      try {
        await startChild(webhookDelivery, deliveryAsChild(delivery));
      } catch (err) {
        // Already delivering (a replayed dispatch after a crash): nothing to start.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }),
  );
  return { deliveries: deliveries.length };
}
