import { Injectable } from '@nestjs/common';
import { WebhookDisabledError } from '../domain/errors';
import type { EventPosition, ReplayBatch, ReplayInput } from '../domain/webhooks';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import type { WebhookEvent } from '../persistence/schemas/webhook-event.schema';
import type { Webhook } from '../persistence/schemas/webhook.schema';
import { EventSealing } from './event-data';
import { EventIntake } from './event-intake.service';
import { webhookWants } from './webhook-filter';

/** Events one batch looks at. */
const REPLAY_BATCH = 100;

/**
 * Replaying what a webhook missed (it was disabled, or made later): of the application's events
 * accepted since a time, each that the webhook takes (its types, its payload filter) and has no
 * delivery of gets one now, in acceptance order. An event is delivered once to a webhook whatever
 * calls there are (the delivery's ID is the pair's); an event whose payload is gone is counted.
 */
@Injectable()
export class MissedEventsReplay {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly events: WebhookEventsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly sealing: EventSealing,
    private readonly intake: EventIntake,
  ) {}

  async batch(input: ReplayInput & { after: EventPosition | null }): Promise<ReplayBatch> {
    const batch: ReplayBatch = { opened: 0, delivered: 0, notTaken: 0, erased: 0, last: null };
    const webhook = await this.webhooks.findById(input.webhookId);
    if (!webhook?.enabled) return { ...batch, stopped: new WebhookDisabledError(input.webhookId).message };
    const events = await this.events.acceptedSince(
      input.applicationId,
      new Date(input.since),
      input.after && { _id: input.after.id, createdAt: new Date(input.after.createdAt) },
      REPLAY_BATCH,
    );
    const hadDelivery = new Set(
      (await this.deliveries.ofEvents(events.map((e) => e._id)))
        .filter((d) => d._id.endsWith(`:${webhook._id}`))
        .map((d) => d.eventId),
    );
    for (const event of events) {
      if (hadDelivery.has(event._id)) batch.delivered++;
      else if (event.erasedBy) batch.erased++;
      else if (!(await this.takes(webhook, event))) batch.notTaken++;
      else if (await this.intake.deliverMissed(event, webhook)) batch.opened++;
      else batch.delivered++;
    }
    const last = events.at(-1);
    if (last && events.length === REPLAY_BATCH)
      batch.last = { id: last._id, createdAt: last.createdAt.toISOString() };
    return batch;
  }

  /** Whether the webhook takes the event now: its types and filter; test events went to one webhook only. */
  private async takes(webhook: Webhook, event: WebhookEvent): Promise<boolean> {
    if (event.eventType === 'WEBHOOK_TEST') return false;
    if (webhook.eventTypes.length > 0 && !webhook.eventTypes.includes(event.eventType)) return false;
    const needsData = webhook.filterJson !== null || event.eventType === 'WEBHOOK_ENDPOINT_DISABLED';
    if (!needsData) return true;
    const opened = await this.sealing.open(event);
    if (!opened) return false;
    // The notice of a webhook's own disabling never went to it.
    if ((opened.data as { webhookId?: unknown } | null)?.webhookId === webhook._id) return false;
    return webhookWants(webhook, opened.data);
  }
}
