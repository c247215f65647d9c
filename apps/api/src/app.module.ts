import { Module } from '@nestjs/common';
import { HttpServerDrain } from '../../../libs/http/http-server-drain';
import { CryptoModule } from '../../../libs/crypto/crypto.module';
import { ConfigModule } from '../../../libs/config/config.module';
import { ObservabilityModule } from '../../../libs/observability/observability.module';
import { LoggerModule } from '../../../libs/logging/logger.module';
import { PersistenceModule } from '../../../libs/persistence/persistence.module';
import { TemporalClientModule } from '../../../libs/temporal/temporal-client.module';
import { ApplicationsModule } from './applications/applications.module';
import { AuthModule } from './auth/auth.module';
import { ConsoleModule } from './console/console.module';
import { DiagnosticsModule } from './diagnostics/diagnostics.module';
import { HealthModule } from './health/health.module';
import { SubjectsModule } from './subjects/subjects.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

@Module({
  imports: [
    ConfigModule,
    LoggerModule,
    ObservabilityModule.forProcess('api'),
    PersistenceModule,
    CryptoModule,
    TemporalClientModule,
    AuthModule,
    HealthModule,
    DiagnosticsModule,
    WorkspacesModule,
    ApplicationsModule,
    SubjectsModule,
    WebhooksModule,
    ConsoleModule,
  ],
  providers: [HttpServerDrain],
})
export class AppModule {}
