// Every workflow the worker registers. Workflow code is deterministic: no I/O, time and randomness
// only from the Temporal SDK; it imports nothing but types from outside this folder.
export { diagnosticRoundtrip } from './diagnostic-roundtrip.workflow';
