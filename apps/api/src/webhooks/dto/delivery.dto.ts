import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import {
  DELIVERY_STATUSES,
  DeliveryStatus,
  EVENT_TYPES,
  PAYLOAD_ERASURES,
  PayloadErasure,
  SUBJECT_PATTERN,
  SUBJECT_RULE,
} from '../../../../../libs/domain/webhooks';
import { IsAfter, IsDateTime } from '../../../../../libs/http/is-date-time.decorator';
import { PageQuery } from '../../../../../libs/http/page-query';
import { AppParams } from './webhook.dto';

/** What every deliveries list filters by: the event's type and subject. */
class EventFilterQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES, { message: 'eventType must be a known event type (GET /v1/event-types)' })
  eventType?: string;

  @ApiPropertyOptional({ example: 'appl_42', description: 'Only events about this subject' })
  @IsOptional()
  @Matches(SUBJECT_PATTERN, { message: SUBJECT_RULE })
  subject?: string;
}

/** The failed view of one webhook: a time range of last attempts. */
export class WebhookFailedDeliveriesQuery extends EventFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Last attempt at or after' })
  @IsOptional()
  @IsDateTime()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Last attempt before (after from)' })
  @IsOptional()
  @IsDateTime()
  @IsAfter('from')
  to?: Date;
}

/** The failed view of an application: the same, and which webhook. */
export class FailedDeliveriesQuery extends WebhookFailedDeliveriesQuery {
  @ApiPropertyOptional({ example: 'wh_8Zk…' })
  @IsOptional()
  @Matches(/^wh_[0-9A-Za-z]{1,40}$/, { message: 'webhookId must be a webhook ID (wh_…)' })
  webhookId?: string;
}

export class DeliveriesQuery extends EventFilterQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @ApiPropertyOptional({ example: 'wh_8Zk…' })
  @IsOptional()
  @Matches(/^wh_[0-9A-Za-z]{1,40}$/, { message: 'webhookId must be a webhook ID (wh_…)' })
  webhookId?: string;
}

export class DeliveryParams extends AppParams {
  @ApiProperty({ example: 'evt_3Fa…:wh_8Zk…' })
  @Matches(/^evt_[0-9A-Za-z]{1,40}:wh_[0-9A-Za-z]{1,40}$/, {
    message: 'deliveryId must be a delivery ID (evt_…:wh_…)',
  })
  deliveryId: string;
}

export class FailedDeliveryView {
  @ApiProperty() eventId: string;
  @ApiProperty() eventType: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who the event is about' }) subject:
    string | null;
  @ApiProperty({ example: 'HTTP 500: Expired document' }) errorMessage: string;
  @ApiProperty() deliveryId: string;
  @ApiProperty() webhookId: string;
  @ApiProperty({ nullable: true, type: String }) webhookName: string | null;
  @ApiProperty({ nullable: true, type: String }) url: string | null;
  @ApiProperty() attemptCount: number;
  @ApiProperty({ format: 'date-time' }) lastAttemptAt: string;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode: number | null;
}

export class FailedDeliveriesResponse {
  @ApiProperty({ type: [FailedDeliveryView] }) items: FailedDeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AttemptView {
  @ApiProperty() series: number;
  @ApiProperty() attempt: number;
  @ApiProperty({ format: 'date-time' }) scheduledAt: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty() durationMs: number;
  @ApiProperty({ nullable: true, type: Number }) statusCode: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The first 4 KB of the answer' }) responseBody:
    string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() succeeded: boolean;
}

export class DeliveryView {
  @ApiProperty() id: string;
  @ApiProperty() eventId: string;
  @ApiProperty() eventType: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who the event is about' }) subject:
    string | null;
  @ApiProperty() webhookId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ description: '1, then +1 for each retry of the delivery' }) series: number;
  @ApiProperty() attemptCount: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastAttemptAt: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ description: "The event's payload is gone: it cannot be retried" }) payloadErased: boolean;
  @ApiProperty({
    enum: PAYLOAD_ERASURES,
    nullable: true,
    description: "Why: past the application's retention, or its subject erased",
  })
  payloadErasedBy: PayloadErasure | null;
  @ApiPropertyOptional({ type: [AttemptView] }) attempts?: AttemptView[];
}

export class DeliveriesResponse {
  @ApiProperty({ type: [DeliveryView] }) items: DeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RetryResponse {
  @ApiProperty() deliveryId: string;
  @ApiProperty() series: number;
  @ApiProperty() workflowId: string;
}
