import type { RecoveryResult } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const WebhookRecoveryWorkflow =
  workflowContract<
    (input: { applicationId: string; webhookId: string; since: string }) => Promise<RecoveryResult>
  >('webhookRecovery');
