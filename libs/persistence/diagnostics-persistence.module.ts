import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DiagnosticRoundtripsRepository } from './repositories/diagnostic-roundtrips.repository';
import { DiagnosticRoundtrip, DiagnosticRoundtripSchema } from './schemas/diagnostic-roundtrip.schema';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: DiagnosticRoundtrip.name, schema: DiagnosticRoundtripSchema }]),
  ],
  providers: [DiagnosticRoundtripsRepository],
  exports: [DiagnosticRoundtripsRepository],
})
export class DiagnosticsPersistenceModule {}
