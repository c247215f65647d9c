import { Injectable } from '@nestjs/common';
import { DeliveryInput, DispatchEventInput, OperationalEvent, Recorded } from '../libs/domain/webhooks';
import { DeliverySequences } from '../libs/webhooks/delivery-sequences';
import { EventIntake } from '../libs/webhooks/event-intake.service';

/** The event dispatch's steps: record the event, open its deliveries; and raising operational events. */
@Injectable()
export class WebhookEventsActivities {
  constructor(
    private readonly intake: EventIntake,
    private readonly sequences: DeliverySequences,
  ) {}

  async recordEvent(input: DispatchEventInput): Promise<void> {
    await this.intake.record(input);
  }

  /** Records the event, opens its deliveries and starts them (the dispatch workflow's one local activity). */
  dispatchEvent(input: Recorded<DispatchEventInput>): Promise<number> {
    return this.intake.dispatch(input);
  }

  /** Records the event and opens its deliveries (the local activity of dispatches started before dispatchEvent). */
  async acceptEvent(input: Recorded<DispatchEventInput>): Promise<DeliveryInput[]> {
    await this.intake.record(input);
    return this.openDeliveries(input);
  }

  openDeliveries(event: Parameters<EventIntake['openDeliveries']>[0]): Promise<DeliveryInput[]> {
    return this.intake.openDeliveries(event);
  }

  /** Whether an event's dispatch is over (a delivery sequence asks, about an event it still waits for). */
  dispatchEnded(eventId: string): Promise<boolean> {
    return this.sequences.dispatchEnded(eventId);
  }

  /** Raises an operational event (WEBHOOK_ENDPOINT_DISABLED, APPLICATION_CRYPTO_KEY_ROTATED). */
  async raiseEvent(event: OperationalEvent): Promise<void> {
    await this.intake.raise(event);
  }
}
