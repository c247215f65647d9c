import { retrySchedule } from '../domain/retry-policy';
import type { DeliveryInput } from '../domain/webhooks';
import type { WebhookDelivery } from '../persistence/schemas/webhook-delivery.schema';
import type { WebhookEndpoint } from '../persistence/schemas/webhook-endpoint.schema';

/** The delivery workflow's input for a delivery to an endpoint, its retry schedule fixed now. */
export function deliveryInput(
  delivery: Pick<WebhookDelivery, '_id' | 'eventId' | 'eventType' | 'applicationId'>,
  endpoint: WebhookEndpoint,
  series: number,
): DeliveryInput {
  return {
    deliveryId: delivery._id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    endpointId: endpoint._id,
    applicationId: delivery.applicationId,
    retryScheduleMs: retrySchedule(endpoint.retryPolicy),
    series,
  };
}
