import { retentionOf } from '../../../../libs/domain/applications';
import { formatDuration } from '../../../../libs/domain/duration';
import type { Application } from '../../../../libs/persistence/schemas/application.schema';
import type { RotationScheduleInfo } from '../../../../libs/temporal/schedules';
import type { ApplicationResponse, RotationScheduleView } from './dto/application.dto';

/** What the API shows of an application: never a secret. */
export function applicationView(
  application: Application,
  schedule?: RotationScheduleInfo | null,
): ApplicationResponse {
  const rotation = application.cryptoKeyRotation;
  const retention = retentionOf(application);
  const cryptoKeyRotation: RotationScheduleView | null = rotation && {
    every: formatDuration(rotation.everyMs),
    graceWindow: formatDuration(rotation.graceWindowMs),
    ...(schedule ? { scheduleId: schedule.scheduleId, nextRunAt: schedule.nextRunAt } : {}),
  };
  return {
    id: application._id,
    name: application.name,
    description: application.description,
    redirectUrl: application.redirectUrl,
    encryptionMethod: application.encryptionMethod,
    mode: application.mode,
    status: application.status,
    encryptWebhooks: application.encryptWebhooks ?? false,
    cryptoKeyVersion: application.currentCryptoKeyVersion,
    cryptoKeyRotation,
    retention: formatDuration(retention.payloadsMs),
    metadataRetention: formatDuration(retention.metadataMs),
    createdAt: application.createdAt.toISOString(),
  };
}
