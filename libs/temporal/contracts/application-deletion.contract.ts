import type { ApplicationRequest } from '../../domain/applications';
import { workflowContract } from './workflow-contract';

export const ApplicationDeletionWorkflow =
  workflowContract<(input: ApplicationRequest) => Promise<void>>('applicationDeletion');
