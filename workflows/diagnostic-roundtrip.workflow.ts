import { proxyActivities } from '@temporalio/workflow';
import type { DiagnosticsActivities } from '../activities/diagnostics.activities';
import type { RoundtripInput, RoundtripRecord } from '../libs/domain/diagnostics';

const { recordRoundtrip } = proxyActivities<DiagnosticsActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '2 seconds' },
});

/**
 * Proves the whole path works: the API started this workflow, a worker runs it, its activity writes
 * to MongoDB, and the API reads the result back.
 */
export async function diagnosticRoundtrip(input: RoundtripInput): Promise<RoundtripRecord> {
  return await recordRoundtrip(input);
}
