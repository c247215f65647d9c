import { Module } from '@nestjs/common';
import { DiagnosticsPersistenceModule } from '../../../../libs/persistence/diagnostics-persistence.module';
import { RoundtripsController } from './roundtrips.controller';
import { RoundtripsService } from './roundtrips.service';

@Module({
  imports: [DiagnosticsPersistenceModule],
  controllers: [RoundtripsController],
  providers: [RoundtripsService],
})
export class DiagnosticsModule {}
