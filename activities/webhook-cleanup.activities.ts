import { Injectable } from '@nestjs/common';
import { ApplicationWebhooksCleanup } from '../libs/webhooks/application-webhooks-cleanup.service';

/** The application deletion's webhook step. */
@Injectable()
export class WebhookCleanupActivities {
  constructor(private readonly cleanup: ApplicationWebhooksCleanup) {}

  /** Deletion of an application: its pending deliveries stop, then its webhooks' data goes. */
  async deleteApplicationWebhooks({ applicationId }: { applicationId: string }): Promise<void> {
    await this.cleanup.delete(applicationId);
  }
}
