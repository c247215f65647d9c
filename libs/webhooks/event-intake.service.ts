import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MasterKeyring } from '../crypto/master-keyring';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  DeliveryInput,
  DispatchEventInput,
  excludedWebhooksOf,
  OperationalEvent,
  Recorded,
} from '../domain/webhooks';
import {
  deliveryIdOf,
  WebhookDeliveriesRepository,
} from '../persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import {
  deliverySearchAttributes,
  SearchAttributes,
  subjectSearchAttribute,
} from '../temporal/search-attributes';
import { WorkflowIds } from '../temporal/workflow-ids';
import { WorkflowStarter } from '../temporal/workflow-starter';
import { EventDispatchWorkflow } from '../temporal/contracts/event-dispatch.contract';
import { WebhookDeliveryV2Workflow } from '../temporal/contracts/webhook-delivery.contract';
import { Environment } from '../config/environment';
import type { Webhook } from '../persistence/schemas/webhook.schema';
import type { WebhookEvent } from '../persistence/schemas/webhook-event.schema';
import { AttemptSources } from './attempt-sources';
import { deliveryInput } from './delivery-input';
import { DeliverySequences } from './delivery-sequences';
import { ServiceMetrics } from '../observability/service-metrics';
import { EventSealing, sealEventData } from './event-data';
import { webhookWants } from './webhook-filter';

/** An event as accepted, its data in clear (sealed before it goes anywhere). */
export type AcceptedEvent = Omit<DispatchEventInput, 'sealedData' | 'data'> & { data: unknown };

/**
 * An event's way in. Accepted with its data sealed, then, for an event to a few webhooks that
 * take it as it comes, one delivery workflow started per webhook right away (each records the
 * event and its delivery in its first step); otherwise one dispatch workflow that records it,
 * opens its deliveries and starts their workflows (many webhooks, ordered webhooks, events the
 * service raises itself).
 */
@Injectable()
export class EventIntake {
  constructor(
    private readonly env: Environment,
    private readonly workflows: WorkflowStarter,
    private readonly keyring: MasterKeyring,
    private readonly events: WebhookEventsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly sources: AttemptSources,
    private readonly sequences: DeliverySequences,
    private readonly sealing: EventSealing,
    private readonly metrics: ServiceMetrics,
  ) {}

  /**
   * Accepts an event: starts its deliveries, or its dispatch; a repeat of the same event ID starts
   * only what has not started (the workflow IDs are the event's). Either way the event is durably
   * accepted when this returns, and in line in the delivery sequences of its subject, so that the
   * order of acceptance holds.
   */
  async accept(accepted: AcceptedEvent, { dispatch = false } = {}): Promise<void> {
    const { data, ...event } = accepted;
    // A dispatch finds the webhooks itself: here only the ordered ones of a subject are needed.
    const lookUp = !dispatch || event.subject !== undefined;
    const [sealedData, subscribed] = await Promise.all([
      this.sealing.seal(event, data),
      lookUp
        ? this.webhooks.listSubscribed(
            event.applicationId,
            event.onlyWebhookId ? { only: event.onlyWebhookId } : event.eventType,
            event.excludeWebhookIds,
          )
        : [],
    ]);
    // Those whose payload filter the data does not match take no delivery (a test event is sent).
    const takers = event.onlyWebhookId ? subscribed : subscribed.filter((w) => webhookWants(w, data));
    const ordered = event.subject ? takers.filter((w) => w.ordering === 'subject').map((w) => w._id) : [];
    const input: DispatchEventInput = {
      ...event,
      sealedData,
      ...(ordered.length > 0 ? { orderedWebhookIds: ordered } : {}),
    };
    if (dispatch || ordered.length > 0 || takers.length > this.env.EVENT_DIRECT_DELIVERIES_MAX)
      await this.startDispatch(input);
    else if (takers.length === 0) await this.record(input);
    else await Promise.all(takers.map((webhook) => this.startDelivery(directDelivery(input, webhook))));
    if (event.subject && ordered.length > 0)
      await this.sequences.lineUp({ ...event, subject: event.subject }, ordered);
    this.metrics.eventAccepted(event.eventType);
  }

  private async startDispatch(input: DispatchEventInput): Promise<void> {
    await this.workflows.start(EventDispatchWorkflow, {
      workflowId: WorkflowIds.eventDispatch(input.eventId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished dispatch is never run again for the same event.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SearchAttributes.ApplicationId, value: input.applicationId },
        { key: SearchAttributes.EventType, value: input.eventType },
        { key: SearchAttributes.EventId, value: input.eventId },
        ...subjectSearchAttribute(input.subject),
      ],
    });
  }

  /** Raises an operational event: dispatched, once per occurrence. */
  async raise(event: OperationalEvent): Promise<void> {
    const digest = createHash('sha256').update(`${event.eventType}:${event.occurrence}`).digest('hex');
    const accepted: AcceptedEvent = {
      eventId: `evt_${digest.slice(0, 24)}`,
      applicationId: event.applicationId,
      eventType: event.eventType,
      occurredAt: new Date().toISOString(),
      data: event.data,
      excludeWebhookIds: event.excludeWebhookIds,
      requestedBy: { kind: 'system', id: null },
    };
    await this.accept(accepted, { dispatch: true });
  }

  /**
   * Records the event, once for good (its data stays sealed): `recorded` by this call, `found`
   * recorded before, or `remembered`: recorded or read lately by this process, not written again
   * (an event's other deliveries).
   */
  async record(
    input: Pick<DispatchEventInput, 'eventId' | 'applicationId' | 'eventType' | 'occurredAt' | 'subject'> &
      Pick<DispatchEventInput, 'sealedData' | 'data'>,
  ): Promise<'recorded' | 'found' | 'remembered'> {
    if (this.sources.remembers(input.eventId)) return 'remembered';
    const { record, first } = await this.events.record({
      _id: input.eventId,
      applicationId: input.applicationId,
      eventType: input.eventType,
      occurredAt: new Date(input.occurredAt),
      subject: input.subject ?? null,
      data: input.sealedData ?? sealEventData(this.keyring, input.eventId, input.data),
    });
    this.sources.remember(record);
    return first ? 'recorded' : 'found';
  }

  /**
   * The dispatch, in one step: records the event, opens one delivery per subscribed webhook and
   * starts each delivery's workflow. Idempotent: a repeat starts only what has not started.
   */
  async dispatch(input: Recorded<DispatchEventInput>): Promise<number> {
    await this.record(input);
    const deliveries = await this.openDeliveries(input);
    const ordered = input.orderedWebhookIds ?? [];
    await Promise.all([
      ...deliveries.filter((d) => !ordered.includes(d.webhookId)).map((d) => this.startDelivery(d)),
      // Each sequence that has the event in line hears of it, even when it no longer goes there.
      ...ordered.map((webhookId) =>
        this.sequences.opened(
          { ...input, subject: input.subject! },
          webhookId,
          deliveries.find((d) => d.webhookId === webhookId) ?? null,
        ),
      ),
    ]);
    return deliveries.length;
  }

  /**
   * The delivery of a recorded event to one webhook that missed it (a replay): opened and started
   * (through its sequence, for an ordered webhook); false when the pair has a delivery begun already.
   */
  async deliverMissed(
    event: Pick<WebhookEvent, '_id' | 'eventType' | 'applicationId' | 'subject'>,
    webhook: Webhook,
  ): Promise<boolean> {
    const of = {
      eventId: event._id,
      eventType: event.eventType,
      applicationId: event.applicationId,
      subject: event.subject ?? undefined,
    };
    const [opened] = await this.deliveries.open(of, [webhook._id]);
    if (!opened) return false;
    const delivery = deliveryInput({ ...of, _id: deliveryIdOf(event._id, webhook._id) }, webhook, 1);
    if (webhook.ordering === 'subject' && of.subject) {
      const inSequence = { ...of, subject: of.subject };
      await this.sequences.lineUp(inSequence, [webhook._id]);
      await this.sequences.opened(inSequence, webhook._id, delivery);
    } else await this.startDelivery(delivery);
    return true;
  }

  private async startDelivery(delivery: DeliveryInput): Promise<void> {
    try {
      await this.workflows.start(WebhookDeliveryV2Workflow, {
        workflowId: WorkflowIds.webhookDelivery(delivery.eventId, delivery.webhookId),
        args: [delivery],
        // A delivery that already ran (a repeated dispatch) is not run again; retries are the API's.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: deliverySearchAttributes(delivery),
      });
    } catch (err) {
      // Started already, by an earlier try of this dispatch.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /**
   * One delivery per enabled webhook that wants the event (but those it excludes, as recorded by
   * old or new histories), or to the one webhook it names, each opened once for good.
   */
  async openDeliveries(
    event: Recorded<{
      eventId: string;
      eventType: string;
      applicationId: string;
      excludeWebhookIds?: string[];
      onlyWebhookId?: string;
      subject?: string;
    }>,
  ): Promise<DeliveryInput[]> {
    const subscribed = await this.takers(
      event,
      await this.webhooks.listSubscribed(
        event.applicationId,
        event.onlyWebhookId ? { only: event.onlyWebhookId } : event.eventType,
        excludedWebhooksOf(event),
      ),
    );
    const opened = new Set(
      await this.deliveries.open(
        {
          eventId: event.eventId,
          eventType: event.eventType,
          applicationId: event.applicationId,
          subject: event.subject,
        },
        subscribed.map((e) => e._id),
      ),
    );
    return subscribed
      .filter((webhook) => opened.has(webhook._id))
      .map((webhook) =>
        deliveryInput({ ...event, _id: deliveryIdOf(event.eventId, webhook._id) }, webhook, 1),
      );
  }

  /**
   * The subscribed webhooks whose payload filter the event's data matches (all of them for a test
   * event): the data, recorded before, is opened here only when one of them has a filter. An event
   * whose data is gone (its subject erased) matches no filter.
   */
  private async takers(
    event: { eventId: string; onlyWebhookId?: string },
    subscribed: Webhook[],
  ): Promise<Webhook[]> {
    if (event.onlyWebhookId || !subscribed.some((w) => w.filterJson)) return subscribed;
    const recorded = await this.sources.event(event.eventId);
    const opened = recorded && !recorded.erasedBy ? await this.sealing.open(recorded) : null;
    return subscribed.filter((w) => !w.filterJson || (opened !== null && webhookWants(w, opened.data)));
  }
}

/** A delivery the API starts itself: it carries the sealed event, for its first attempt to record. */
function directDelivery(event: DispatchEventInput, webhook: Webhook): DeliveryInput {
  return {
    ...deliveryInput({ ...event, _id: deliveryIdOf(event.eventId, webhook._id) }, webhook, 1),
    event: { occurredAt: event.occurredAt, sealedData: event.sealedData! },
  };
}
