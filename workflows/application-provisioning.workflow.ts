import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ApplicationsActivities } from '../activities/applications.activities';
import type { ProvisionApplicationInput } from '../libs/domain/applications';
import type { ProvisioningOutcome } from '../libs/temporal/contracts/application-provisioning.contract';
import { provisioningStep } from './activity-options';

const { recordApplication, issueInitialKeys, scheduleCryptoKeyRotation, activateApplication } =
  proxyActivities<ApplicationsActivities>(provisioningStep);

/**
 * Application provisioning: record the application, generate its keys (sealed under the master
 * key), set up its rotation schedule, and make it active. Keys exist only once this has run.
 */
export async function applicationProvisioning(
  input: ProvisionApplicationInput,
): Promise<ProvisioningOutcome> {
  try {
    await recordApplication(input);
  } catch (err) {
    if (isNameTaken(err)) return { status: 'rejected', reason: 'NameTaken', message: err.cause.message };
    throw err;
  }
  await issueInitialKeys({ applicationId: input.applicationId });
  if (input.cryptoKeyRotation) {
    await scheduleCryptoKeyRotation({
      applicationId: input.applicationId,
      settings: input.cryptoKeyRotation,
    });
  }
  await activateApplication({ applicationId: input.applicationId, requestedBy: input.requestedBy });
  return { status: 'active' };
}

function isNameTaken(err: unknown): err is ActivityFailure & { cause: ApplicationFailure } {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === 'NameTaken'
  );
}
