import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { post } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });
const { post: postLocally } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** The baseline: one bare workflow per message running one activity that makes the HTTP POST. */
export async function baselineDelivery(url: string, id: string, body: string): Promise<void> {
  await post(url, id, body);
}

/**
 * The product's own shape on bare Temporal: the POST as a local activity, so the whole workflow is
 * one workflow task, as a delivery that succeeds at once. What Temporal and its SDK alone cost for
 * that shape: the floor under the product's CPU per delivery.
 */
export async function oneTaskDelivery(url: string, id: string, body: string): Promise<void> {
  await postLocally(url, id, body);
}

/** The intake baseline: a workflow that is only started (one workflow task), as a dispatch with nothing to do. */
export async function baselineAccept(): Promise<void> {
  // Nothing: what is measured is starting it.
}
