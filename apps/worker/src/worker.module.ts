import { Module } from '@nestjs/common';
import { ApplicationsActivities } from '../../../activities/applications.activities';
import { CryptoKeysActivities } from '../../../activities/crypto-keys.activities';
import { DataRetentionActivities } from '../../../activities/data-retention.activities';
import { SubjectErasureActivities } from '../../../activities/subject-erasure.activities';
import { DiagnosticsActivities } from '../../../activities/diagnostics.activities';
import { WebhookAttemptsActivities } from '../../../activities/webhook-attempts.activities';
import { WebhookCleanupActivities } from '../../../activities/webhook-cleanup.activities';
import { WebhookEventsActivities } from '../../../activities/webhook-events.activities';
import { WebhookRecoveryActivities } from '../../../activities/webhook-recovery.activities';
import { MissedEventsActivities } from '../../../activities/missed-events.activities';
import { ConfigModule } from '../../../libs/config/config.module';
import { CredentialsModule } from '../../../libs/credentials/credentials.module';
import { CryptoModule } from '../../../libs/crypto/crypto.module';
import { LoggerModule } from '../../../libs/logging/logger.module';
import { ObservabilityModule } from '../../../libs/observability/observability.module';
import { DiagnosticsPersistenceModule } from '../../../libs/persistence/diagnostics-persistence.module';
import { PersistenceModule } from '../../../libs/persistence/persistence.module';
import { TemporalClientModule } from '../../../libs/temporal/temporal-client.module';
import { DeliveryBacklog } from '../../../libs/webhooks/delivery-backlog';
import { WebhookDeliveryModule } from '../../../libs/webhooks/webhook-delivery.module';
import { ACTIVITIES, TemporalWorkerService } from './temporal-worker.service';

/** Every activity class the worker registers (each public method is an activity). */
const activities = [
  DiagnosticsActivities,
  ApplicationsActivities,
  CryptoKeysActivities,
  WebhookEventsActivities,
  WebhookAttemptsActivities,
  WebhookRecoveryActivities,
  MissedEventsActivities,
  WebhookCleanupActivities,
  DataRetentionActivities,
  SubjectErasureActivities,
];

@Module({
  imports: [
    ConfigModule,
    LoggerModule,
    ObservabilityModule.forProcess('worker'),
    PersistenceModule,
    CryptoModule,
    TemporalClientModule,
    DiagnosticsPersistenceModule,
    CredentialsModule,
    WebhookDeliveryModule,
  ],
  providers: [
    ...activities,
    {
      provide: ACTIVITIES,
      inject: activities,
      useFactory: (...instances: object[]) => instances,
    },
    TemporalWorkerService,
    DeliveryBacklog,
  ],
})
export class WorkerModule {}
