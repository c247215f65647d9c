import { Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DeliveryInProgressError, PayloadErasedError, WebhookDisabledError } from '../domain/errors';
import type { RecoveryBatch } from '../domain/webhooks';
import { ClaimsRepository } from '../persistence/repositories/claims.repository';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../persistence/repositories/webhooks.repository';
import { ServiceMetrics } from '../observability/service-metrics';
import type { WebhookDelivery } from '../persistence/schemas/webhook-delivery.schema';
import { deliverySearchAttributes } from '../temporal/search-attributes';
import { WorkflowIds } from '../temporal/workflow-ids';
import { WorkflowStarter } from '../temporal/workflow-starter';
import { cancelSignal, WebhookDeliveryV2Workflow } from '../temporal/contracts/webhook-delivery.contract';
import { deliveryInput } from './delivery-input';

const RECOVERY_BATCH = 100;
/**
 * A retry's claim whose holder has not opened the series by then is taken to have died with its
 * process (a retry answers within seconds), and another retry may take over.
 */
const STALE_RETRY_CLAIM_MS = 5 * 60_000;
/**
 * A delivery reads as failed once its last attempt is recorded, a moment before its workflow run
 * closes: a retry in that moment waits this long for the run to close.
 */
const CLOSING_RUN_WAIT_MS = 10_000;

/**
 * Retrying and cancelling deliveries, one at a time or by webhook: for the API, and for the
 * recovery and deletion workflows.
 */
@Injectable()
export class DeliveryControl {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly metrics: ServiceMetrics,
    private readonly claims: ClaimsRepository,
  ) {}

  /**
   * A new series of attempts for a finished delivery (same `webhook-id`), recorded against the
   * same delivery. DeliveryInProgressError while it is still pending, or when a concurrent retry
   * took this series; WebhookDisabledError if its webhook is disabled or gone.
   */
  async retry(delivery: WebhookDelivery): Promise<{ series: number; workflowId: string }> {
    if (delivery.payloadErasedBy) throw new PayloadErasedError(delivery._id, delivery.payloadErasedBy);
    if (delivery.status === 'pending') throw new DeliveryInProgressError(delivery._id);
    const webhook = await this.webhooks.findById(delivery.webhookId);
    if (!webhook || !webhook.enabled) throw new WebhookDisabledError(delivery.webhookId);
    // Concurrent retries of the same finished series race for the next one; one claim wins it.
    const series = delivery.series + 1;
    const claim = await this.claims.claim(`delivery-series:${delivery._id}:${series}`, {
      staleAfterMs: STALE_RETRY_CLAIM_MS,
    });
    if (!claim.won) throw new DeliveryInProgressError(delivery._id);
    if (!(await this.deliveries.openSeries(delivery._id, series))) {
      // Not finished at the series read (it moved on meanwhile): nothing was decided.
      await this.claims.release(claim);
      throw new DeliveryInProgressError(delivery._id);
    }
    const input = deliveryInput(delivery, webhook, series);
    const workflowId = WorkflowIds.webhookDelivery(input.eventId, input.webhookId);
    try {
      await this.workflows.startNext(
        WebhookDeliveryV2Workflow,
        { workflowId, args: [input], typedSearchAttributes: deliverySearchAttributes(input) },
        CLOSING_RUN_WAIT_MS,
      );
    } catch (err) {
      // Nothing runs the new series: the delivery goes back to how it was, not left pending for good.
      await this.deliveries.undoSeries(delivery, series);
      await this.claims.release(claim);
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new DeliveryInProgressError(delivery._id);
      throw err;
    }
    return { series, workflowId };
  }

  /**
   * Retries the next batch of failed deliveries of a webhook since a time; lastId null when done.
   * A delivery retried meanwhile by someone else, or whose payload is erased, is skipped; a webhook disabled or deleted
   * meanwhile ends the recovery (`stopped` says why): neither is a failure to retry.
   */
  async retryFailedBatch(input: { webhookId: string; since: Date; afterId: string }): Promise<RecoveryBatch> {
    const ids = await this.deliveries.failedSince(
      input.webhookId,
      input.since,
      input.afterId,
      RECOVERY_BATCH,
    );
    const batch: RecoveryBatch = {
      retried: 0,
      skipped: 0,
      lastId: ids.length === RECOVERY_BATCH ? ids[ids.length - 1] : null,
    };
    for (const id of ids) {
      const delivery = await this.deliveries.findById(id);
      if (delivery?.status !== 'failed') {
        batch.skipped++;
        continue;
      }
      try {
        await this.retry(delivery);
        batch.retried++;
      } catch (err) {
        // Retried meanwhile, or its payload erased (nothing left to send): not this recovery's to retry.
        if (err instanceof DeliveryInProgressError || err instanceof PayloadErasedError) batch.skipped++;
        else if (err instanceof WebhookDisabledError) return { ...batch, lastId: null, stopped: err.message };
        else throw err;
      }
    }
    return batch;
  }

  /** Signals every pending delivery of an application, webhook or subject to stop; returns how many. */
  async cancelPending(
    filter: { applicationId?: string; webhookId?: string; subject?: string },
    { untilEndedMs = 0 } = {},
  ): Promise<number> {
    const pending = await this.deliveries.pendingIds(filter);
    const told: string[] = [];
    for (const id of pending) {
      const [eventId, webhookId] = id.split(':');
      // Finished, or never started: nothing to stop.
      if (await this.workflows.signal(WorkflowIds.webhookDelivery(eventId, webhookId), cancelSignal))
        told.push(id);
    }
    if (untilEndedMs > 0) await this.untilEnded(filter, told, untilEndedMs);
    return pending.length;
  }

  /**
   * Waits, at most `ms`, until the workflows told to stop have recorded their deliveries' end. A
   * caller that writes to the same deliveries next (erasure) must not write at the same time: on
   * FerretDB v1 two updates of one document at once can lose one (the end, left pending forever).
   */
  private async untilEnded(filter: { applicationId?: string }, ids: string[], ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (ids.length > 0 && Date.now() < deadline) {
      const stillPending = new Set(await this.deliveries.pendingIds(filter));
      if (!ids.some((id) => stillPending.has(id))) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The delivery's attempts end, cancelled (its workflow was told to stop, or it is no longer due); counted once. */
  async cancelled(deliveryId: string, series: number): Promise<void> {
    if (await this.deliveries.finish(deliveryId, series, 'cancelled'))
      this.metrics.deliveryFinished('cancelled');
  }
}
