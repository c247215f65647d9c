import type { DataRetentionInput, RetentionCounts } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const DataRetentionWorkflow =
  workflowContract<(input?: DataRetentionInput) => Promise<RetentionCounts>>('dataRetention');
