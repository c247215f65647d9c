import { proxyActivities } from '@temporalio/workflow';
import type { SubjectErasureActivities } from '../activities/subject-erasure.activities';
import type { SubjectErasureInput, SubjectErasureResult } from '../libs/domain/webhooks';
import { retentionBatch } from './activity-options';

const { destroySubjectKey, cancelSubjectDeliveries, eraseSubjectPayloads, recordSubjectErasure } =
  proxyActivities<SubjectErasureActivities>(retentionBatch);

/**
 * Subject erasure (crypto-shredding): destroy the subject's data key, so that every payload about
 * it, wherever it was stored (MongoDB, Temporal histories, which cannot be edited), is unreadable
 * from then on; stop its pending deliveries; erase its stored payloads and answers; record it.
 */
export async function subjectErasure(input: SubjectErasureInput): Promise<SubjectErasureResult> {
  const subject = { applicationId: input.applicationId, subject: input.subject };
  const result: SubjectErasureResult = {
    keyDestroyed: await destroySubjectKey(subject),
    deliveriesCancelled: await cancelSubjectDeliveries(subject),
    payloadsErased: 0,
    answersErased: 0,
  };
  for (let more = true; more;) {
    const batch = await eraseSubjectPayloads(subject);
    result.payloadsErased += batch.payloadsErased;
    result.answersErased += batch.answersErased;
    more = batch.more;
  }
  await recordSubjectErasure({ ...input, result });
  return result;
}
