import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { post } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** The baseline: one bare workflow per message running one activity that makes the HTTP POST. */
export async function baselineDelivery(url: string, id: string, body: string): Promise<void> {
  await post(url, id, body);
}

/** The intake baseline: a workflow that is only started (one workflow task), as a dispatch with nothing to do. */
export async function baselineAccept(): Promise<void> {
  // Nothing: what is measured is starting it.
}
