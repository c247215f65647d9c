import type { Workflow } from '@temporalio/common';

/**
 * A workflow as its callers know it: the type name the worker registers it under, and its
 * signature as a type parameter. The API and libs/ start workflows by contract, so they never
 * import workflow code (only the worker's bundle does); contracts.spec.ts checks each contract
 * against the workflow it names.
 */
export interface WorkflowContract<W extends Workflow> {
  readonly name: string;
  /** Never set: carries the workflow's type. */
  readonly workflow?: W;
}

export const workflowContract = <W extends Workflow>(name: string): WorkflowContract<W> => ({ name });
