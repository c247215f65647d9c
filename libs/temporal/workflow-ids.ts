/**
 * Workflow IDs say what a workflow is about, so an operator finds it in the Temporal UI by reading,
 * and the same request never starts it twice.
 */
export const WorkflowIds = {
  diagnosticRoundtrip: (roundtripId: string) => `diagnostic-roundtrip:${roundtripId}`,
} as const;
