import { Injectable } from '@nestjs/common';
import type { DeliveryInput, DispatchEventInput, OperationalEvent } from '../libs/domain/webhooks';
import { EventIntake } from '../libs/webhooks/event-intake.service';

/** The event dispatch's steps: record the event, open its deliveries; and raising operational events. */
@Injectable()
export class WebhookEventsActivities {
  constructor(private readonly intake: EventIntake) {}

  async recordEvent(input: DispatchEventInput): Promise<void> {
    await this.intake.record(input);
  }

  /** Records the event and opens its deliveries (the dispatch workflow's one local activity). */
  async acceptEvent(input: DispatchEventInput): Promise<DeliveryInput[]> {
    await this.intake.record(input);
    return this.intake.openDeliveries({
      eventId: input.eventId,
      eventType: input.eventType,
      applicationId: input.applicationId,
      excludeEndpointIds: input.excludeEndpointIds ?? [],
    });
  }

  openDeliveries(event: {
    eventId: string;
    eventType: string;
    applicationId: string;
    excludeEndpointIds: string[];
  }): Promise<DeliveryInput[]> {
    return this.intake.openDeliveries(event);
  }

  /** Raises an operational event (WEBHOOK_ENDPOINT_DISABLED, APPLICATION_CRYPTO_KEY_ROTATED). */
  async raiseEvent(event: OperationalEvent): Promise<void> {
    await this.intake.raise(event);
  }
}
