import { Module } from '@nestjs/common';
import { ApplicationsActivities } from '../../../activities/applications.activities';
import { CryptoKeysActivities } from '../../../activities/crypto-keys.activities';
import { DiagnosticsActivities } from '../../../activities/diagnostics.activities';
import { WebhooksActivities } from '../../../activities/webhooks.activities';
import { ConfigModule } from '../../../libs/config/config.module';
import { CredentialsModule } from '../../../libs/credentials/credentials.module';
import { CryptoModule } from '../../../libs/crypto/crypto.module';
import { LoggerModule } from '../../../libs/logging/logger.module';
import { DiagnosticsPersistenceModule } from '../../../libs/persistence/diagnostics-persistence.module';
import { PersistenceModule } from '../../../libs/persistence/persistence.module';
import { TemporalClientModule } from '../../../libs/temporal/temporal-client.module';
import { WebhooksModule } from '../../../libs/webhooks/webhooks.module';
import { TemporalWorkerService } from './temporal-worker.service';

@Module({
  imports: [
    ConfigModule,
    LoggerModule,
    PersistenceModule,
    CryptoModule,
    TemporalClientModule,
    DiagnosticsPersistenceModule,
    CredentialsModule,
    WebhooksModule,
  ],
  providers: [
    DiagnosticsActivities,
    ApplicationsActivities,
    CryptoKeysActivities,
    WebhooksActivities,
    TemporalWorkerService,
  ],
})
export class WorkerModule {}
