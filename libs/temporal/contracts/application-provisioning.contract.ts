import type { ProvisionApplicationInput } from '../../domain/applications';
import { workflowContract } from './workflow-contract';

export type ProvisioningOutcome =
  { status: 'active' } | { status: 'rejected'; reason: 'NameTaken'; message: string };

export const ApplicationProvisioningWorkflow =
  workflowContract<(input: ProvisionApplicationInput) => Promise<ProvisioningOutcome>>(
    'applicationProvisioning',
  );
