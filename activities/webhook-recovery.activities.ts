import { Injectable } from '@nestjs/common';
import { RecoveryBatch, Recorded, recoveredWebhookOf } from '../libs/domain/webhooks';
import { DeliveryControl } from '../libs/webhooks/delivery-control.service';

/** The webhook recovery's step: retry a batch of its failed deliveries. */
@Injectable()
export class WebhookRecoveryActivities {
  constructor(private readonly control: DeliveryControl) {}

  /** The next batch of the webhook's failed deliveries since a time, retried; lastId null when done. */
  retryFailedDeliveries(
    input: Recorded<{ applicationId: string; webhookId: string; since: string; afterId: string }>,
  ): Promise<RecoveryBatch> {
    return this.control.retryFailedBatch({
      webhookId: recoveredWebhookOf(input),
      since: new Date(input.since),
      afterId: input.afterId,
    });
  }
}
