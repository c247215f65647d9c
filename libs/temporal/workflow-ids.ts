/**
 * Workflow and schedule IDs say what they are about, so an operator finds them in the Temporal UI
 * by reading, and the same request never starts a workflow twice. Workflow-safe (no imports).
 */
export const WorkflowIds = {
  diagnosticRoundtrip: (roundtripId: string) => `diagnostic-roundtrip:${roundtripId}`,
  applicationProvisioning: (applicationId: string) => `application-provisioning:${applicationId}`,
  applicationDeletion: (applicationId: string) => `application-deletion:${applicationId}`,
  /** One at a time per application: manual and scheduled rotations share this ID. */
  cryptoKeyRotation: (applicationId: string) => `crypto-key-rotation:${applicationId}`,
  /** The schedule's own runs (Temporal appends the scheduled time); each starts a cryptoKeyRotation. */
  scheduledCryptoKeyRotation: (applicationId: string) => `crypto-key-rotation-scheduled:${applicationId}`,
  /** Accepting an event is starting this: the same event ID never dispatches twice. */
  eventDispatch: (eventId: string) => `event-dispatch:${eventId}`,
  /** One per (event, webhook); a retry of a failed delivery is a new run under the same ID. */
  webhookDelivery: (eventId: string, webhookId: string) => `webhook-delivery:${eventId}:${webhookId}`,
  /** The deliveries of one webhook for one subject, made one at a time (ordering `subject`). */
  deliverySequence: (webhookId: string, subject: string) => `delivery-sequence:${webhookId}:${subject}`,
  /** The retention schedule's runs (Temporal appends the scheduled time). */
  dataRetention: (taskQueue: string) => `data-retention:${taskQueue}`,
  /** One at a time per subject; erasing it again later (new events since) is a new run. */
  subjectErasure: (applicationId: string, subject: string) => `subject-erasure:${applicationId}:${subject}`,
  webhookRecovery: (webhookId: string, since: string) => `webhook-recovery:${webhookId}:${since}`,
  /** Calls with the same webhook and time share one run (a double click replays nothing twice). */
  missedEventsReplay: (webhookId: string, since: string) => `missed-events-replay:${webhookId}:${since}`,
} as const;

export const ScheduleIds = {
  cryptoKeyRotation: (applicationId: string) => `crypto-key-rotation-schedule:${applicationId}`,
  /** One per deployment (its task queue): retention of every application's webhook data. */
  dataRetention: (taskQueue: string) => `data-retention-schedule:${taskQueue}`,
} as const;
