import { retrySchedule } from '../domain/retry-policy';
import type { DeliveryInput } from '../domain/webhooks';
import type { WebhookDelivery } from '../persistence/schemas/webhook-delivery.schema';
import type { Webhook } from '../persistence/schemas/webhook.schema';

/** The delivery workflow's input for a delivery to a webhook, its retry schedule fixed now. */
export function deliveryInput(
  delivery: Pick<WebhookDelivery, '_id' | 'eventId' | 'eventType' | 'applicationId'> & {
    subject?: string | null;
  },
  webhook: Webhook,
  series: number,
): DeliveryInput {
  return {
    deliveryId: delivery._id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    webhookId: webhook._id,
    applicationId: delivery.applicationId,
    ...(delivery.subject ? { subject: delivery.subject } : {}),
    retryScheduleMs: retrySchedule(webhook.retryPolicy),
    series,
  };
}
