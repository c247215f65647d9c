import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SUBJECT_PATTERN, SUBJECT_RULE } from '../../../../../libs/domain/webhooks';
import { AppParams } from '../../webhooks/dto/webhook.dto';

export class SubjectParams extends AppParams {
  @ApiProperty({ example: 'appl_42', description: 'Who events were about, as they named it' })
  @Matches(SUBJECT_PATTERN, { message: SUBJECT_RULE })
  subject: string;
}

export class SubjectErasureResponse {
  @ApiProperty({
    example: 'subject-erasure:app_4fQ…:appl_42',
    description:
      'The erasure workflow: find it in the Temporal UI by it; its result and the audit log say what it did',
  })
  workflowId: string;
  @ApiPropertyOptional({
    description:
      'Its data key existed and is destroyed (present, like the counts, when the erasure ended in time)',
  })
  keyDestroyed?: boolean;
  @ApiPropertyOptional({ description: 'Pending deliveries about the subject, cancelled' })
  deliveriesCancelled?: number;
  @ApiPropertyOptional({ description: 'Events whose payload was erased' })
  payloadsErased?: number;
  @ApiPropertyOptional({ description: "Receivers' answers erased from the attempts" })
  answersErased?: number;
}
