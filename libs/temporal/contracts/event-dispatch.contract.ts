import type { DispatchEventInput, Recorded } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const EventDispatchWorkflow =
  workflowContract<(input: Recorded<DispatchEventInput>) => Promise<{ deliveries: number }>>('eventDispatch');
