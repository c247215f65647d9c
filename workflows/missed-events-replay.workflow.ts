import { proxyActivities } from '@temporalio/workflow';
import type { MissedEventsActivities } from '../activities/missed-events.activities';
import type { EventPosition, ReplayBatch, ReplayInput, ReplayResult } from '../libs/domain/webhooks';
import { recoveryBatch } from './activity-options';

const { replayMissedBatch } = proxyActivities<MissedEventsActivities>(recoveryBatch);

/** Batches one call looks at (100 events each): 10,000 events, then it says where to go on from. */
export const REPLAY_BATCHES_PER_CALL = 100;

/**
 * Replaying what a webhook missed: the application's events accepted since a time, in acceptance
 * order, a batch at a time; each that its webhook takes and has no delivery of is delivered now.
 */
export async function missedEventsReplay(input: ReplayInput): Promise<ReplayResult> {
  const result: ReplayResult = { opened: 0, delivered: 0, notTaken: 0, erased: 0 };
  let after: EventPosition | null = null;
  for (let batches = 0; batches < REPLAY_BATCHES_PER_CALL; batches++) {
    const batch: ReplayBatch = await replayMissedBatch({ ...input, after });
    result.opened += batch.opened;
    result.delivered += batch.delivered;
    result.notTaken += batch.notTaken;
    result.erased += batch.erased;
    if (batch.stopped) return { ...result, stopped: batch.stopped };
    if (batch.last === null) return result;
    after = batch.last;
  }
  return { ...result, continueFrom: after!.createdAt };
}
