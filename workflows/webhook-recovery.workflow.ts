import { proxyActivities } from '@temporalio/workflow';
import type { WebhooksActivities } from '../activities/webhooks.activities';
import type { RecoveryResult } from '../libs/domain/webhooks';

// Infrastructure trouble (the database down) is retried for about half an hour, then the
// recovery fails visibly; what can no longer be retried is the activity's answer, not an error.
const { retryFailedDeliveries } = proxyActivities<WebhooksActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 40 },
});

/** Endpoint recovery: retries every failed delivery of the endpoint since a time, a batch at a time. */
export async function webhookRecovery(input: {
  applicationId: string;
  endpointId: string;
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
