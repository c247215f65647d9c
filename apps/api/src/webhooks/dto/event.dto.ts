import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { APPLICANT_EVENT_TYPES, SUBJECT_PATTERN, SUBJECT_RULE } from '../../../../../libs/domain/webhooks';
import { IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_RULE } from '../../../../../libs/http/idempotency-key';
import { OpaqueJson } from '../../../../../libs/http/validation';

export class CreateEventDto {
  @ApiProperty({
    enum: APPLICANT_EVENT_TYPES,
    description: 'Operational events are emitted by the service itself',
  })
  @IsIn(APPLICANT_EVENT_TYPES, {
    message: `eventType must be one of ${APPLICANT_EVENT_TYPES.join(', ')} (see GET /v1/event-types)`,
  })
  eventType: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { applicantId: 'appl_123', status: 'COMPLETED' },
    description: 'Opaque JSON, delivered exactly as sent (every key kept); nested at most 64 levels',
  })
  @IsOptional()
  @IsObject({ message: 'data must be a JSON object' })
  @OpaqueJson()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Instead of data: an envelope made with the application’s Crypto Key (see README)',
    example: { alg: 'AES-256-GCM', kid: 1, iv: '…', ciphertext: '…', tag: '…' },
  })
  @IsOptional()
  @IsObject({ message: 'encryptedData must be an envelope object { alg, kid, iv, ciphertext, tag | mac }' })
  encryptedData?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'appl_42',
    description:
      'Who the event is about (an applicant’s ID): in the webhook body, filterable, a search attribute. Not personal data',
  })
  @IsOptional()
  @IsString({ message: SUBJECT_RULE })
  @Matches(SUBJECT_PATTERN, { message: SUBJECT_RULE })
  subject?: string;

  @ApiPropertyOptional({ description: 'The same key gives the same event, delivered once' })
  @IsOptional()
  @IsString()
  @Matches(IDEMPOTENCY_KEY, { message: `idempotencyKey ${IDEMPOTENCY_KEY_RULE}` })
  idempotencyKey?: string;
}

export class EventAcceptedResponse {
  @ApiProperty({ example: 'evt_3Fa…', description: 'Every delivery of it carries this as webhook-id' })
  eventId: string;
}

export class EventTypeView {
  @ApiProperty() type: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Sent through POST …/events, or emitted by the service' }) source:
    'platform' | 'service';
}

export class EventTypesResponse {
  @ApiProperty({ type: [EventTypeView] }) items: EventTypeView[];
}
