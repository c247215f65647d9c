import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { RoundtripRecord } from '../../../../../libs/domain/diagnostics';

export class RoundtripParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'id must be the UUID a roundtrip was created with' })
  id: string;
}

export class RoundtripResponse implements RoundtripRecord {
  @ApiProperty({ format: 'uuid' }) roundtripId: string;
  @ApiProperty({ example: 'diagnostic-roundtrip:0b6f…', description: 'Find it in the Temporal UI' })
  workflowId: string;
  @ApiProperty() workflowRunId: string;
  @ApiProperty({ description: 'The worker that ran the activity' }) workerIdentity: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the activity wrote it to MongoDB' })
  recordedAt: string;
}
