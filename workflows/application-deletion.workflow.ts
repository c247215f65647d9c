import { proxyActivities } from '@temporalio/workflow';
import type { ApplicationsActivities } from '../activities/applications.activities';
import type { ApplicationRequest } from '../libs/domain/applications';

const { markApplicationDeleting, deleteRotationSchedule, stopCryptoKeyRotation, deleteApplicationData } =
  proxyActivities<ApplicationsActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });

/**
 * Application deletion: the application stops answering at once (deleting), then its schedule,
 * its running rotation and its data go. Audit records stay. Nothing of another application is touched.
 */
export async function applicationDeletion(input: ApplicationRequest): Promise<void> {
  await markApplicationDeleting({ applicationId: input.applicationId });
  await deleteRotationSchedule({ applicationId: input.applicationId });
  await stopCryptoKeyRotation({ applicationId: input.applicationId });
  await deleteApplicationData(input);
}
