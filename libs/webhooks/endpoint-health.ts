import { Injectable } from '@nestjs/common';
import { Environment } from '../config/environment';
import { parseDuration } from '../domain/duration';
import { WebhookEndpointsRepository } from '../persistence/repositories/webhook-endpoints.repository';
import type { WebhookEndpoint } from '../persistence/schemas/webhook-endpoint.schema';
import { EventIntake } from './event-intake.service';

/**
 * The endpoint-disable rule: an endpoint is disabled at once when its receiver answers 410 Gone,
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

/** Keeps an endpoint's health after each attempt: failing since when, disabled (and announced), recovered. */
@Injectable()
export class EndpointHealth {
  private readonly disableAfterMs: number;

  constructor(
    env: Environment,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly intake: EventIntake,
  ) {
    this.disableAfterMs = parseDuration(env.WEBHOOK_ENDPOINT_DISABLE_AFTER)!;
  }

  /**
   * After a failed attempt: notes the failure and disables the endpoint if the rule says so. True
   * when no attempt may follow (the endpoint is disabled). `occurrence` names the attempt, so a
   * retried activity announces the disabling once.
   */
  async failed(
    endpoint: WebhookEndpoint,
    statusCode: number | null,
    now: Date,
    occurrence: string,
  ): Promise<boolean> {
    // A 410 disables at once: its failure needs no noting.
    const failingSince =
      statusCode === 410
        ? null
        : ((await this.endpoints.recordFailure(endpoint._id, now))?.failingSince ?? null);
    const reason = disableReason(statusCode, failingSince, now, this.disableAfterMs);
    if (reason === null) return false;
    await this.disable(endpoint, reason, occurrence);
    return true;
  }

  /** After a successful attempt: an endpoint that was failing is healthy again (no write otherwise). */
  async succeeded(endpoint: WebhookEndpoint, now: Date): Promise<void> {
    if (endpoint.failingSince) await this.endpoints.recordSuccess(endpoint._id, now);
  }

  /** Disables the endpoint and tells the application's other endpoints (WEBHOOK_ENDPOINT_DISABLED). */
  private async disable(endpoint: WebhookEndpoint, reason: string, occurrence: string): Promise<void> {
    if (!(await this.endpoints.disable(endpoint._id, reason))) return;
    await this.intake.raise({
      applicationId: endpoint.applicationId,
      eventType: 'WEBHOOK_ENDPOINT_DISABLED',
      data: { webhookId: endpoint._id, name: endpoint.name, url: endpoint.url, reason },
      occurrence,
      excludeEndpointIds: [endpoint._id],
    });
  }
}
