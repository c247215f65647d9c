import * as contracts from '../libs/temporal/contracts';
import type { WorkflowContract } from '../libs/temporal/contracts';
import * as workflows from './index';

/**
 * Each workflow the worker registers, with the contract its callers start it by: checked by the
 * compiler (the contract's signature is the workflow's) and here (the names are the same).
 */
const contractOf = {
  applicationDeletion: contracts.ApplicationDeletionWorkflow,
  applicationProvisioning: contracts.ApplicationProvisioningWorkflow,
  cryptoKeyRotation: contracts.CryptoKeyRotationWorkflow,
  dataRetention: contracts.DataRetentionWorkflow,
  deliverySequence: contracts.DeliverySequenceWorkflow,
  diagnosticRoundtrip: contracts.DiagnosticRoundtripWorkflow,
  eventDispatch: contracts.EventDispatchWorkflow,
  missedEventsReplay: contracts.MissedEventsReplayWorkflow,
  scheduledCryptoKeyRotation: contracts.ScheduledCryptoKeyRotationWorkflow,
  subjectErasure: contracts.SubjectErasureWorkflow,
  webhookDelivery: contracts.WebhookDeliveryWorkflow,
  webhookDeliveryV2: contracts.WebhookDeliveryV2Workflow,
  webhookRecovery: contracts.WebhookRecoveryWorkflow,
} satisfies { [Name in keyof typeof workflows]: WorkflowContract<(typeof workflows)[Name]> };

const isContract = (value: unknown): value is WorkflowContract<never> =>
  typeof value === 'object' && value !== null && Object.keys(value).join() === 'name';

describe('workflow contracts', () => {
  it('name the workflows the worker registers, one contract each', () => {
    for (const [name, contract] of Object.entries(contractOf)) expect(contract.name).toBe(name);
    const declared = Object.values(contracts)
      .filter(isContract)
      .map((c) => c.name)
      .sort();
    expect(declared).toEqual(Object.keys(workflows).sort());
  });
});
