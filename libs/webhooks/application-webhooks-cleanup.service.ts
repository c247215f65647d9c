import { Injectable } from '@nestjs/common';
import { SubjectKeysRepository } from '../persistence/repositories/subject-keys.repository';
import { WebhookAttemptsRepository } from '../persistence/repositories/webhook-attempts.repository';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import { DeliveryControl } from './delivery-control.service';
import { RateLimiter } from './rate-limiter';
import { WebhookSecretsService } from './webhook-secrets.service';

/** What deleting an application does to its webhooks. */
@Injectable()
export class ApplicationWebhooksCleanup {
  constructor(
    private readonly control: DeliveryControl,
    private readonly secrets: WebhookSecretsService,
    private readonly webhooks: WebhooksRepository,
    private readonly events: WebhookEventsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly subjectKeys: SubjectKeysRepository,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * Its pending deliveries stop, then its webhooks, their secrets and turns, events, deliveries, attempts and
   * subjects' data keys go (the last leaves whatever Temporal still holds of its events unreadable).
   */
  async delete(applicationId: string): Promise<void> {
    await this.control.cancelPending({ applicationId });
    const webhookIds = await this.webhooks.idsOfApplication(applicationId);
    await this.secrets.deleteForWebhooks(webhookIds);
    await Promise.all([
      this.rateLimiter.forget(webhookIds),
      this.webhooks.deleteForApplication(applicationId),
      this.events.deleteForApplication(applicationId),
      this.deliveries.deleteForApplication(applicationId),
      this.attempts.deleteForApplication(applicationId),
      this.subjectKeys.deleteForApplication(applicationId),
    ]);
  }
}
