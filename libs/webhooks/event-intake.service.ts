import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MasterKeyring } from '../crypto/master-keyring';
import type { DeliveryInput, DispatchEventInput, OperationalEvent } from '../domain/webhooks';
import {
  deliveryIdOf,
  WebhookDeliveriesRepository,
} from '../persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import { SearchAttributes } from '../temporal/search-attributes';
import { WorkflowIds } from '../temporal/workflow-ids';
import { WorkflowStarter } from '../temporal/workflow-starter';
import { eventDispatch } from '../../workflows/event-dispatch.workflow';
import { deliveryInput } from './delivery-input';
import { sealEventData } from './event-data';

/** An event as accepted, its data in clear (sealed before it goes anywhere). */
export type AcceptedEvent = Omit<DispatchEventInput, 'sealedData' | 'data'> & { data: unknown };

/**
 * An event's way in: accepted (its dispatch workflow started, its data sealed), then recorded and
 * given one delivery per subscribed webhook by that workflow.
 */
@Injectable()
export class EventIntake {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly keyring: MasterKeyring,
    private readonly events: WebhookEventsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  /**
   * Accepts an event: starts its dispatch workflow, or finds the one already started for the same
   * event ID (an idempotent repeat). Either way the event is durably accepted when this returns.
   */
  async accept({ data, ...event }: AcceptedEvent): Promise<void> {
    const input: DispatchEventInput = {
      ...event,
      sealedData: sealEventData(this.keyring, event.eventId, data),
    };
    await this.workflows.start(eventDispatch, {
      workflowId: WorkflowIds.eventDispatch(input.eventId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished dispatch is never run again for the same event.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SearchAttributes.ApplicationId, value: input.applicationId },
        { key: SearchAttributes.EventType, value: input.eventType },
        { key: SearchAttributes.EventId, value: input.eventId },
      ],
    });
  }

  /** Raises an operational event: dispatched like any other, once per occurrence. */
  async raise(event: OperationalEvent): Promise<void> {
    const digest = createHash('sha256').update(`${event.eventType}:${event.occurrence}`).digest('hex');
    await this.accept({
      eventId: `evt_${digest.slice(0, 24)}`,
      applicationId: event.applicationId,
      eventType: event.eventType,
      occurredAt: new Date().toISOString(),
      data: event.data,
      excludeWebhookIds: event.excludeWebhookIds,
      requestedBy: { kind: 'system', id: null },
    });
  }

  /** Records the event, once for good (its data stays sealed). */
  async record(input: DispatchEventInput): Promise<void> {
    await this.events.record({
      _id: input.eventId,
      applicationId: input.applicationId,
      eventType: input.eventType,
      occurredAt: new Date(input.occurredAt),
      data: input.sealedData ?? sealEventData(this.keyring, input.eventId, input.data),
    });
  }

  /** One delivery per enabled webhook that wants the event, each opened once for good. */
  async openDeliveries(event: {
    eventId: string;
    eventType: string;
    applicationId: string;
    excludeWebhookIds: string[];
  }): Promise<DeliveryInput[]> {
    const subscribed = await this.webhooks.listSubscribed(
      event.applicationId,
      event.eventType,
      event.excludeWebhookIds,
    );
    const opened = new Set(
      await this.deliveries.open(
        { eventId: event.eventId, eventType: event.eventType, applicationId: event.applicationId },
        subscribed.map((e) => e._id),
      ),
    );
    return subscribed
      .filter((webhook) => opened.has(webhook._id))
      .map((webhook) =>
        deliveryInput({ ...event, _id: deliveryIdOf(event.eventId, webhook._id) }, webhook, 1),
      );
  }
}
