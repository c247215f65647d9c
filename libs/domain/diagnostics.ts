/** Workflow-safe types of the diagnostic roundtrip (no runtime imports: workflows/ use them too). */
export interface RoundtripInput {
  roundtripId: string;
  /** ISO 8601: when the API received the request. */
  requestedAt: string;
}

export interface RoundtripRecord {
  roundtripId: string;
  workflowId: string;
  workflowRunId: string;
  workerIdentity: string;
  requestedAt: string;
  recordedAt: string;
}
