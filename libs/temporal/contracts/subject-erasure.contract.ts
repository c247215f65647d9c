import type { SubjectErasureInput, SubjectErasureResult } from '../../domain/webhooks';
import { workflowContract } from './workflow-contract';

export const SubjectErasureWorkflow =
  workflowContract<(input: SubjectErasureInput) => Promise<SubjectErasureResult>>('subjectErasure');
