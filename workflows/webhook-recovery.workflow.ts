import { proxyActivities } from '@temporalio/workflow';
import type { WebhooksActivities } from '../activities/webhooks.activities';

const { retryFailedDeliveries } = proxyActivities<WebhooksActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Endpoint recovery: retries every failed delivery of the endpoint since a time, a batch at a time. */
export async function webhookRecovery(input: {
  applicationId: string;
  endpointId: string;
  since: string;
}): Promise<{ retried: number }> {
  let retried = 0;
  let afterId = '';
  for (;;) {
    const batch = await retryFailedDeliveries({ ...input, afterId });
    retried += batch.retried;
    if (batch.lastId === null) return { retried };
    afterId = batch.lastId;
  }
}
