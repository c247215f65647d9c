// Every workflow the worker registers. Workflow code is deterministic: no I/O, time and randomness
// only from the Temporal SDK; it imports only types and workflow-safe names from outside this folder.
export { applicationDeletion } from './application-deletion.workflow';
export { applicationProvisioning } from './application-provisioning.workflow';
export { cryptoKeyRotation } from './crypto-key-rotation.workflow';
export { dataRetention } from './data-retention.workflow';
export { deliverySequence } from './delivery-sequence.workflow';
export { diagnosticRoundtrip } from './diagnostic-roundtrip.workflow';
export { eventDispatch } from './event-dispatch.workflow';
export { missedEventsReplay } from './missed-events-replay.workflow';
export { subjectErasure } from './subject-erasure.workflow';
export { scheduledCryptoKeyRotation } from './scheduled-crypto-key-rotation.workflow';
export { webhookDelivery, webhookDeliveryV2 } from './webhook-delivery.workflow';
export { webhookRecovery } from './webhook-recovery.workflow';
