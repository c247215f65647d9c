import { proxyActivities } from '@temporalio/workflow';
import type { DiagnosticsActivities } from '../activities/diagnostics.activities';
import type { RoundtripInput, RoundtripRecord } from '../libs/domain/diagnostics';
import { roundtripStep } from './activity-options';

const { recordRoundtrip } = proxyActivities<DiagnosticsActivities>(roundtripStep);

/**
 * Proves the whole path works: the API started this workflow, a worker runs it, its activity writes
 * to MongoDB, and the API reads the result back.
 */
export async function diagnosticRoundtrip(input: RoundtripInput): Promise<RoundtripRecord> {
  return await recordRoundtrip(input);
}
