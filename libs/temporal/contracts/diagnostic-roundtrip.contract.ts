import type { RoundtripInput, RoundtripRecord } from '../../domain/diagnostics';
import { workflowContract } from './workflow-contract';

export const DiagnosticRoundtripWorkflow =
  workflowContract<(input: RoundtripInput) => Promise<RoundtripRecord>>('diagnosticRoundtrip');
