import { Injectable } from '@nestjs/common';
import type { RecoveryBatch } from '../libs/domain/webhooks';
import { DeliveryControl } from '../libs/webhooks/delivery-control.service';

/** The endpoint recovery's step: retry a batch of its failed deliveries. */
@Injectable()
export class WebhookRecoveryActivities {
  constructor(private readonly control: DeliveryControl) {}

  /** The next batch of the endpoint's failed deliveries since a time, retried; lastId null when done. */
  retryFailedDeliveries(input: {
    applicationId: string;
    endpointId: string;
    since: string;
    afterId: string;
  }): Promise<RecoveryBatch> {
    return this.control.retryFailedBatch({
      endpointId: input.endpointId,
      since: new Date(input.since),
      afterId: input.afterId,
    });
  }
}
