import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Environment } from '../config/environment';
import type { DeliveryInput } from '../domain/webhooks';
import { deliveryIdOf } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import type { Webhook } from '../persistence/schemas/webhook.schema';
import type { WebhookEvent } from '../persistence/schemas/webhook-event.schema';
import { deliverySearchAttributes } from '../temporal/search-attributes';
import { WorkflowIds } from '../temporal/workflow-ids';
import { WorkflowStarter } from '../temporal/workflow-starter';
import { WebhookDeliveryV2Workflow } from '../temporal/contracts/webhook-delivery.contract';
import { deliveryInput } from './delivery-input';

/** How many events' starts one process has in flight at once; the rest wait in line (or for a sweep). */
const RELAY_CONCURRENCY = 32;
/** Relayed events are marked so in one write per this many, or per this long. */
const MARK_BATCH = 100;
const MARK_EVERY_MS = 200;
/** Pending events one sweep looks at. */
const SWEEP_BATCH = 200;
/** How long shutdown waits for the starts in flight (what is left stays pending, for a sweep). */
const DRAIN_MS = 10_000;

/**
 * The event outbox's relay. An event the API accepts for a few webhooks is recorded with the
 * webhooks it goes to and marked pending, in one write, and the 202 given; this then starts one
 * delivery workflow per webhook and marks the event relayed. A process that stops before it has
 * started them all leaves the event pending: every process sweeps, and takes over events pending
 * for longer than EVENT_RELAY_AFTER_MS. Starting is idempotent (the workflow IDs are the
 * event's), so an event a sweep and a late relay both start is delivered once.
 */
@Injectable()
export class EventRelay implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventRelay.name);
  /** Events this process is relaying: a sweep leaves them alone. */
  private readonly relaying = new Set<string>();
  private readonly line: { event: WebhookEvent; webhooks: Webhook[] }[] = [];
  private inFlight = 0;
  private relayed: string[] = [];
  private markTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private marking = false;
  private stopping = false;

  constructor(
    private readonly env: Environment,
    private readonly workflows: WorkflowStarter,
    private readonly events: WebhookEventsRepository,
    private readonly webhooks: WebhooksRepository,
  ) {}

  onModuleInit(): void {
    if (this.env.EVENT_RELAY_SWEEP_MS > 0) {
      this.sweepTimer = setInterval(
        () => void this.sweep().catch(this.warn('sweep')),
        this.env.EVENT_RELAY_SWEEP_MS,
      );
      this.sweepTimer.unref();
    }
  }

  /** Stops sweeping, lets the starts in flight end and marks what they relayed (bounded). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    this.line.length = 0;
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
  }

  /** Resolves once nothing is in line, in flight or waiting to be marked relayed. */
  async idle(): Promise<void> {
    while (this.line.length > 0 || this.inFlight > 0 || this.relayed.length > 0 || this.marking)
      await new Promise((resolve) => setTimeout(resolve, 10).unref());
  }

  /** Starts the deliveries of an event just recorded pending (in the background: the 202 is given). */
  relay(event: WebhookEvent, webhooks: Webhook[]): void {
    if (this.stopping || this.relaying.has(event._id)) return;
    this.relaying.add(event._id);
    this.line.push({ event, webhooks });
    this.next();
  }

  /** An event recorded pending before (a repeated request, a sweep): relayed again, from its record. */
  async relayRecorded(event: WebhookEvent): Promise<void> {
    if (!event.relayTo || this.relaying.has(event._id)) return;
    // Its subject erased meanwhile: nothing left to deliver.
    if (event.erasedBy) return this.events.markRelayed([event._id]);
    this.relay(event, await this.webhooks.findManyById(event.relayTo));
  }

  /** Takes over events pending for longer than EVENT_RELAY_AFTER_MS (their relay stopped). */
  async sweep(now = new Date()): Promise<number> {
    const before = now.getTime() - this.env.EVENT_RELAY_AFTER_MS;
    const pending = await this.events.pendingRelay(SWEEP_BATCH);
    const due = pending.filter((e) => e.createdAt.getTime() <= before && !this.relaying.has(e._id));
    for (const { _id } of due) {
      const event = await this.events.findById(_id);
      if (event?.relayTo) await this.relayRecorded(event);
    }
    if (due.length > 0) this.logger.warn(`Took over ${due.length} events whose relay had stopped`);
    return due.length;
  }

  /** One delivery workflow started; false when it had been (an earlier try of this event). */
  async startDelivery(delivery: DeliveryInput): Promise<boolean> {
    try {
      await this.workflows.start(WebhookDeliveryV2Workflow, {
        workflowId: WorkflowIds.webhookDelivery(delivery.eventId, delivery.webhookId),
        args: [delivery],
        // A delivery that already ran (a repeated dispatch) is not run again; retries are the API's.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: deliverySearchAttributes(delivery),
      });
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw err;
    }
  }

  private next(): void {
    while (this.inFlight < RELAY_CONCURRENCY && this.line.length > 0) {
      const { event, webhooks } = this.line.shift()!;
      this.inFlight++;
      void this.startAll(event, webhooks).finally(() => {
        this.inFlight--;
        this.relaying.delete(event._id);
        this.next();
      });
    }
  }

  private async startAll(event: WebhookEvent, webhooks: Webhook[]): Promise<void> {
    try {
      await Promise.all(webhooks.map((webhook) => this.startDelivery(outboxDelivery(event, webhook))));
    } catch (err) {
      // Left pending: a sweep takes it over.
      this.warn('relay')(err);
      return;
    }
    this.relayed.push(event._id);
    if (this.relayed.length >= MARK_BATCH) void this.mark().catch(this.warn('mark'));
    else this.markTimer ??= setTimeout(() => void this.mark().catch(this.warn('mark')), MARK_EVERY_MS);
  }

  /** Marks the events relayed so far, in one write (a mark lost is one more idempotent start later). */
  private async mark(): Promise<void> {
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    const ids = this.relayed;
    this.relayed = [];
    if (ids.length === 0) return;
    this.marking = true;
    try {
      await this.events.markRelayed(ids);
    } finally {
      this.marking = false;
    }
  }

  private warn(what: string) {
    return (err: unknown) =>
      this.logger.warn(`Event ${what} failed; pending events are swept: ${String(err)}`);
  }
}

/** A delivery of an event the API recorded: it carries the sealed event, recorded already. */
export function outboxDelivery(event: WebhookEvent, webhook: Webhook): DeliveryInput {
  const of = {
    _id: deliveryIdOf(event._id, webhook._id),
    eventId: event._id,
    eventType: event.eventType,
    applicationId: event.applicationId,
    subject: event.subject,
  };
  return {
    ...deliveryInput(of, webhook, 1),
    event: { occurredAt: event.occurredAt.toISOString(), sealedData: event.data as never, recorded: true },
  };
}
