import { patched, proxyActivities } from '@temporalio/workflow';
import type { ApplicationsActivities } from '../activities/applications.activities';
import type { WebhookCleanupActivities } from '../activities/webhook-cleanup.activities';
import type { ApplicationRequest } from '../libs/domain/applications';
import { deletionStep, webhookCleanupStep } from './activity-options';

const { markApplicationDeleting, deleteRotationSchedule, stopCryptoKeyRotation, deleteApplicationData } =
  proxyActivities<ApplicationsActivities>(deletionStep);
const { deleteApplicationWebhooks } = proxyActivities<WebhookCleanupActivities>(webhookCleanupStep);

/**
 * Application deletion: the application stops answering at once (deleting), then its schedule,
 * its running rotation, its pending deliveries (cancelled), its webhooks and its data go.
 * Audit records stay. Nothing of another application is touched.
 */
export async function applicationDeletion(input: ApplicationRequest): Promise<void> {
  await markApplicationDeleting({ applicationId: input.applicationId });
  await deleteRotationSchedule({ applicationId: input.applicationId });
  await stopCryptoKeyRotation({ applicationId: input.applicationId });
  // Added with webhooks; deletions recorded before them replay without it.
  if (patched('delete-application-webhooks'))
    await deleteApplicationWebhooks({ applicationId: input.applicationId });
  await deleteApplicationData(input);
}
