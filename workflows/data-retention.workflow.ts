import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DataRetentionActivities } from '../activities/data-retention.activities';
import {
  addRetentionCounts,
  DataRetentionInput,
  noRetentionCounts,
  retentionChanged,
  RetentionCounts,
} from '../libs/domain/webhooks';
import { retentionBatch } from './activity-options';

const { applicationsAfter, enforceRetention, recordRetention } =
  proxyActivities<DataRetentionActivities>(retentionBatch);

/** Applications listed at a time. */
const PAGE = 100;
/** History length at which a run hands over to the next. */
const LONG_HISTORY = 2_000;

/**
 * Data retention, run by its schedule: every application's events, oldest first, a bounded batch
 * at a time: payloads past the application's retention erased, everything past its metadata
 * retention deleted, deliveries in progress left whole; what it did to each application recorded
 * in that application's audit log. Resumable (continue-as-new carries where it is) and idempotent
 * (a batch done twice finds nothing more to do).
 */
export async function dataRetention(input: DataRetentionInput = {}): Promise<RetentionCounts> {
  const at = input.at ?? new Date().toISOString();
  const totals = input.totals ?? noRetentionCounts();
  let doneUpTo = input.doneUpTo ?? '';
  let current = input.current ?? null;
  let next: string[] = [];
  for (;;) {
    if (workflowInfo().historyLength > LONG_HISTORY)
      await continueAsNew<typeof dataRetention>({ at, totals, doneUpTo, current });
    if (!current) {
      if (next.length === 0) next = await applicationsAfter(doneUpTo, PAGE);
      const applicationId = next.shift();
      if (!applicationId) return totals;
      current = { applicationId, after: null, counts: noRetentionCounts() };
    }
    const batch = await enforceRetention({ applicationId: current.applicationId, at, after: current.after });
    addRetentionCounts(current.counts, batch.counts);
    current.after = batch.next;
    if (current.after) continue;
    if (retentionChanged(current.counts))
      await recordRetention({ applicationId: current.applicationId, at, counts: current.counts });
    addRetentionCounts(totals, current.counts);
    doneUpTo = current.applicationId;
    current = null;
  }
}
