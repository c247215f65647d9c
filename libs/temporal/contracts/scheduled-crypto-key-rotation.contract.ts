import { workflowContract } from './workflow-contract';

/** What a rotation schedule starts: one rotation, or a skip recorded while one runs. */
export const ScheduledCryptoKeyRotationWorkflow = workflowContract<
  (input: { applicationId: string; graceWindowMs: number }) => Promise<'started' | 'skipped'>
>('scheduledCryptoKeyRotation');
