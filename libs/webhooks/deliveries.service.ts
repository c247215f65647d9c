import { Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { Environment } from '../config/environment';
import { DeliveryInProgressError, EndpointDisabledError } from '../domain/errors';
import { retrySchedule } from '../domain/retry-policy';
import type { DeliveryInput } from '../domain/webhooks';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhookEndpointsRepository } from '../persistence/repositories/webhook-endpoints.repository';
import type { WebhookDelivery } from '../persistence/schemas/webhook-delivery.schema';
import type { WebhookEndpoint } from '../persistence/schemas/webhook-endpoint.schema';
import { InjectTemporalClient } from '../temporal/temporal-client.module';
import { startDelivery } from '../temporal/webhook-workflows';
import { WorkflowIds } from '../temporal/workflow-ids';

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

/** Retrying and cancelling deliveries: for the API, and for the recovery and deletion workflows. */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectTemporalClient() private readonly temporal: Client,
    private readonly env: Environment,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly endpoints: WebhookEndpointsRepository,
  ) {}

  /**
   * A new series of attempts for a finished delivery (same `webhook-id`), recorded against the
   * same delivery. DeliveryInProgressError while it is still pending; EndpointDisabledError if
   * its endpoint is disabled or gone.
   */
  async retry(delivery: WebhookDelivery): Promise<{ series: number; workflowId: string }> {
    const endpoint = await this.endpoints.findById(delivery.endpointId);
    if (!endpoint || !endpoint.enabled) throw new EndpointDisabledError(delivery.endpointId);
    const series = await this.deliveries.startSeries(delivery._id);
    if (series === null) throw new DeliveryInProgressError(delivery._id);
    const workflowId = await startDelivery(
      this.temporal,
      this.env.TEMPORAL_TASK_QUEUE,
      deliveryInput(delivery, endpoint, series),
    );
    return { series, workflowId };
  }

  /** Signals every pending delivery of an application or endpoint to stop; returns how many. */
  async cancelPending(filter: { applicationId?: string; endpointId?: string }): Promise<number> {
    const pending = await this.deliveries.pendingIds(filter);
    for (const id of pending) {
      const [eventId, endpointId] = id.split(':');
      try {
        await this.temporal.workflow
          .getHandle(WorkflowIds.webhookDelivery(eventId, endpointId))
          .signal('cancel');
      } catch (err) {
        // Already finished, or never started: nothing to stop.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    return pending.length;
  }
}
