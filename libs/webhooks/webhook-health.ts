import { Injectable } from '@nestjs/common';
import { Environment } from '../config/environment';
import { parseDuration } from '../domain/duration';
import { WebhookAttemptsRepository } from '../persistence/repositories/webhook-attempts.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { ServiceMetrics } from '../observability/service-metrics';
import type { Webhook } from '../persistence/schemas/webhook.schema';
import { AttemptSources } from './attempt-sources';
import { EventIntake } from './event-intake.service';

/**
 * The webhook-disable rule: a webhook is disabled at once when its receiver answers 410 Gone,
 * and when every delivery to it has failed for `disableAfterMs` (WEBHOOK_ENDPOINT_DISABLE_AFTER)
 * since its first failure after its last success. Returns why, or null while it may still recover.
 */
export function disableReason(
  statusCode: number | null,
  failingSince: Date | null,
  now: Date,
  disableAfterMs: number,
): string | null {
  if (statusCode === 410) return 'the receiver answered 410 Gone';
  if (failingSince && now.getTime() - failingSince.getTime() >= disableAfterMs)
    return `every delivery failed since ${failingSince.toISOString()}`;
  return null;
}

/**
 * A webhook switched on or off by its customer. Re-enabling starts its health afresh (not failing, so
 * the disable rule counts from its next failure); switching off says who did it.
 */
export function switchedByCustomer(
  enabled: boolean,
): Pick<Webhook, 'enabled' | 'disabledReason' | 'failingSince'> {
  return { enabled, disabledReason: enabled ? null : 'disabled by the customer', failingSince: null };
}

/** Keeps a webhook's health after each attempt: failing since when, disabled (and announced), recovered. */
@Injectable()
export class WebhookHealth {
  private readonly disableAfterMs: number;

  constructor(
    env: Environment,
    private readonly webhooks: WebhooksRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly sources: AttemptSources,
    private readonly intake: EventIntake,
    private readonly metrics: ServiceMetrics,
  ) {
    this.disableAfterMs = parseDuration(env.WEBHOOK_ENDPOINT_DISABLE_AFTER)!;
  }

  /**
   * After a failed attempt: notes the failure and disables the webhook if the rule says so. True
   * when no attempt may follow (the webhook is disabled). `occurrence` names the attempt, so a
   * retried activity announces the disabling once. `webhook` may be up to WEBHOOK_CACHE_TTL_MS old.
   */
  async failed(webhook: Webhook, statusCode: number | null, now: Date, occurrence: string): Promise<boolean> {
    try {
      // A 410 disables at once: its failure needs no noting.
      const failingSince =
        statusCode === 410
          ? null
          : ((await this.webhooks.recordFailure(webhook._id, now))?.failingSince ?? null);
      const reason = disableReason(statusCode, failingSince, now, this.disableAfterMs);
      if (reason === null) return false;
      // A success seen through a stale webhook left failingSince in place: the failing starts again now.
      if (failingSince && (await this.attempts.succeededSince(webhook._id, failingSince))) {
        await this.webhooks.restartFailing(webhook._id, now);
        return false;
      }
      await this.disable(webhook, statusCode, reason, occurrence);
      return true;
    } finally {
      // After the writes, so that this worker's next attempt to the webhook reads them.
      this.sources.forget(webhook._id);
    }
  }

  /** After a successful attempt: a webhook that was failing is healthy again (no write otherwise). */
  async succeeded(webhook: Webhook, now: Date): Promise<void> {
    if (!webhook.failingSince) return;
    await this.webhooks.recordSuccess(webhook._id, now);
    this.sources.forget(webhook._id);
  }

  /** Disables the webhook and tells the application's other webhooks (WEBHOOK_ENDPOINT_DISABLED). */
  private async disable(
    webhook: Webhook,
    statusCode: number | null,
    reason: string,
    occurrence: string,
  ): Promise<void> {
    if (!(await this.webhooks.disable(webhook._id, reason))) return;
    this.metrics.webhookDisabled(statusCode === 410 ? 'gone' : 'failing');
    await this.intake.raise({
      applicationId: webhook.applicationId,
      eventType: 'WEBHOOK_ENDPOINT_DISABLED',
      data: { webhookId: webhook._id, name: webhook.name, url: webhook.url, reason },
      occurrence,
      excludeWebhookIds: [webhook._id],
    });
  }
}
