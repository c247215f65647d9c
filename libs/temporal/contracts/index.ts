// Every workflow's contract: its type name and signature, and its signals, queries and updates.
// What the API and libs/ start and signal workflows by; the workflows import their definitions.
export * from './application-deletion.contract';
export * from './application-provisioning.contract';
export * from './crypto-key-rotation.contract';
export * from './data-retention.contract';
export * from './delivery-sequence.contract';
export * from './diagnostic-roundtrip.contract';
export * from './event-dispatch.contract';
export * from './missed-events-replay.contract';
export * from './scheduled-crypto-key-rotation.contract';
export * from './subject-erasure.contract';
export * from './webhook-delivery.contract';
export * from './webhook-recovery.contract';
export type { WorkflowContract } from './workflow-contract';
