import type { ReplayInput, ReplayResult } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const MissedEventsReplayWorkflow =
  workflowContract<(input: ReplayInput) => Promise<ReplayResult>>('missedEventsReplay');
