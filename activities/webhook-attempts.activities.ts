import { Injectable } from '@nestjs/common';
import { Context } from '@temporalio/activity';
import type { AttemptOutcome, AttemptRequest } from '../libs/domain/webhooks';
import { withHeartbeats } from '../libs/temporal/heartbeat';
import { DeliveryAttempts } from '../libs/webhooks/delivery-attempts.service';
import { DeliveryControl } from '../libs/webhooks/delivery-control.service';

/** The delivery workflow's steps: one attempt, and ending a cancelled delivery. */
@Injectable()
export class WebhookAttemptsActivities {
  constructor(
    private readonly attempts: DeliveryAttempts,
    private readonly control: DeliveryControl,
  ) {}

  /**
   * One attempt (libs/webhooks/delivery-attempts.service.ts). Throws only for infrastructure
   * trouble, which Temporal retries; heartbeats while the receiver takes its time.
   */
  attemptDelivery(req: AttemptRequest): Promise<AttemptOutcome> {
    // Only a retried activity can find its attempt already recorded (the first execution cannot).
    const mayBeRecorded = Context.current().info.attempt > 1;
    return withHeartbeats(() => this.attempts.attempt(req, mayBeRecorded));
  }

  async cancelDelivery({ deliveryId, series }: { deliveryId: string; series: number }): Promise<void> {
    await this.control.cancelled(deliveryId, series);
  }
}
