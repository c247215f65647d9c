import { proxyActivities } from '@temporalio/workflow';
import type { WebhookRecoveryActivities } from '../activities/webhook-recovery.activities';
import type { RecoveryResult } from '../libs/domain/webhooks';
import { recoveryBatch } from './activity-options';

const { retryFailedDeliveries } = proxyActivities<WebhookRecoveryActivities>(recoveryBatch);

/** Webhook recovery: retries every failed delivery of the webhook since a time, a batch at a time. */
export async function webhookRecovery(input: {
  applicationId: string;
  webhookId: string;
  since: string;
}): Promise<RecoveryResult> {
  const result: RecoveryResult = { retried: 0, skipped: 0 };
  let afterId = '';
  for (;;) {
    const batch = await retryFailedDeliveries({ ...input, afterId });
    result.retried += batch.retried;
    // Batches recorded before `skipped` existed carry none.
    result.skipped += batch.skipped ?? 0;
    if (batch.stopped) return { ...result, stopped: batch.stopped };
    if (batch.lastId === null) return result;
    afterId = batch.lastId;
  }
}
