import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Environment } from '../config/environment';
import { ApplicationsRepository } from '../persistence/repositories/applications.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import type { Application } from '../persistence/schemas/application.schema';
import type { Webhook } from '../persistence/schemas/webhook.schema';
import type { WebhookEvent } from '../persistence/schemas/webhook-event.schema';
import { SendingSecrets, WebhookSecretsService } from './webhook-secrets.service';

/** A webhook as an attempt needs it: its settings, its application, its secrets in clear. */
export interface WebhookTarget {
  webhook: Webhook;
  application: Application | null;
  secrets: SendingSecrets;
}

/**
 * Events kept after they are recorded or read: enough for the deliveries in flight to find their
 * own, bounded by count and by size (an event's sealed data may reach a few hundred kilobytes).
 */
const RECENT_EVENTS = 5_000;
const RECENT_EVENTS_BYTES = 64 * 1024 * 1024;
/** An event's weight in the cache: its data (sealed: the ciphertext's base64) and a little for the rest. */
export function eventSize(event: WebhookEvent): number {
  const ciphertext = (event.data as { ct?: unknown } | null)?.ct;
  const data = typeof ciphertext === 'string' ? ciphertext.length : JSON.stringify(event.data ?? null).length;
  return data + 512;
}
const CACHED_WEBHOOKS = 10_000;

/**
 * What attempts are made from, read through this worker's memory so a delivery costs no reads in
 * the common case. Events never change: one recorded or read here is kept while recent. A webhook,
 * its application and its secrets may change: each is kept at most WEBHOOK_CACHE_TTL_MS, the bound
 * within which a change reaches attempts.
 */
@Injectable()
export class AttemptSources {
  private readonly targets: LRUCache<string, WebhookTarget> | null;
  private readonly events = new LRUCache<string, WebhookEvent>({
    max: RECENT_EVENTS,
    maxSize: RECENT_EVENTS_BYTES,
    sizeCalculation: eventSize,
  });

  constructor(
    env: Environment,
    private readonly webhooks: WebhooksRepository,
    private readonly applications: ApplicationsRepository,
    private readonly secrets: WebhookSecretsService,
    private readonly eventsRepository: WebhookEventsRepository,
  ) {
    this.targets =
      env.WEBHOOK_CACHE_TTL_MS > 0
        ? new LRUCache<string, WebhookTarget>({
            max: CACHED_WEBHOOKS,
            ttl: env.WEBHOOK_CACHE_TTL_MS,
            // Expired entries leave memory at once: they hold signing secrets and header values in clear.
            ttlAutopurge: true,
            // Concurrent attempts to one webhook share one load.
            fetchMethod: (webhookId) => this.loadTarget(webhookId),
            // `forget` during a load must not fail the attempts waiting on it: they get what it
            // loads (no older than the load), cached for the bound like any other.
            ignoreFetchAbort: true,
          })
        : null;
  }

  /** The webhook with its application and secrets, at most WEBHOOK_CACHE_TTL_MS old; undefined when gone. */
  async target(webhookId: string): Promise<WebhookTarget | undefined> {
    return this.targets ? this.targets.fetch(webhookId) : this.loadTarget(webhookId);
  }

  /** Drops what this process knows to have changed (its own health writes). */
  forget(webhookId: string): void {
    this.targets?.delete(webhookId);
  }

  async event(eventId: string): Promise<WebhookEvent | null> {
    const known = this.events.get(eventId);
    if (known) return known;
    const event = await this.eventsRepository.findById(eventId);
    if (event) this.events.set(eventId, event);
    return event;
  }

  /** Whether this process recorded or read the event lately (then it is recorded). */
  remembers(eventId: string): boolean {
    return this.events.has(eventId);
  }

  /** An event just recorded by this process: its deliveries' attempts will find it here. */
  remember(event: WebhookEvent): void {
    this.events.set(event._id, event);
  }

  private async loadTarget(webhookId: string): Promise<WebhookTarget | undefined> {
    const webhook = await this.webhooks.findById(webhookId);
    if (!webhook) return undefined;
    const [application, secrets] = await Promise.all([
      this.applications.findById(webhook.applicationId),
      this.secrets.forSending(webhook._id, webhook.headers),
    ]);
    return { webhook, application, secrets };
  }
}
