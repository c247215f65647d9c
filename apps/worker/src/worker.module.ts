import { Module } from '@nestjs/common';
import { DiagnosticsActivities } from '../../../activities/diagnostics.activities';
import { ConfigModule } from '../../../libs/config/config.module';
import { LoggerModule } from '../../../libs/logging/logger.module';
import { DiagnosticsPersistenceModule } from '../../../libs/persistence/diagnostics-persistence.module';
import { PersistenceModule } from '../../../libs/persistence/persistence.module';
import { TemporalWorkerService } from './temporal-worker.service';

@Module({
  imports: [ConfigModule, LoggerModule, PersistenceModule, DiagnosticsPersistenceModule],
  providers: [DiagnosticsActivities, TemporalWorkerService],
})
export class WorkerModule {}
