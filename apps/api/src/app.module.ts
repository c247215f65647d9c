import { Module } from '@nestjs/common';
import { ConfigModule } from '../../../libs/config/config.module';
import { LoggerModule } from '../../../libs/logging/logger.module';
import { PersistenceModule } from '../../../libs/persistence/persistence.module';
import { TemporalClientModule } from '../../../libs/temporal/temporal-client.module';
import { DiagnosticsModule } from './diagnostics/diagnostics.module';
import { HealthModule } from './health/health.module';

@Module({
  imports: [
    ConfigModule,
    LoggerModule,
    PersistenceModule,
    TemporalClientModule,
    HealthModule,
    DiagnosticsModule,
  ],
})
export class AppModule {}
