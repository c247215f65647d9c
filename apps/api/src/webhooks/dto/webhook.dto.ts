import { Nullable, OpaqueJson } from '../../../../../libs/http/validation';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Durations } from '../../../../../libs/domain/duration';
import {
  MAX_RATE_LIMIT_COUNT,
  RATE_LIMIT_PERIODS,
  RateLimitPeriod,
} from '../../../../../libs/domain/rate-limit';
import { MAX_URL_LENGTH, normalizedHttpUrl } from '../../../../../libs/domain/http-url';
import {
  EVENT_TYPES,
  WEBHOOK_ORDERINGS,
  WEBHOOK_SIGNATURES,
  WebhookOrdering,
  WebhookSignature,
} from '../../../../../libs/domain/webhooks';
import { IsDateTime, IsNotFuture } from '../../../../../libs/http/is-date-time.decorator';
import { IsDuration } from '../../../../../libs/http/is-duration.decorator';
import { IsEventFilter } from '../../../../../libs/http/is-event-filter.decorator';
import { trimmed } from '../../../../../libs/http/transforms';

const EVENT_TYPE_MESSAGE = `each value in eventTypes must be a known event type (GET /v1/event-types): ${EVENT_TYPES.join(', ')}`;

export class HeaderDto {
  @ApiProperty({ example: 'X-Tenant' })
  @IsString({ message: 'key must be a string' })
  @MaxLength(256)
  key: string;
  @ApiProperty({ example: 'acme' }) @IsString({ message: 'value must be a string' }) value: string;
}

/** Either `schedule`, or exponential backoff; all durations ISO 8601 or like 5s, 30m. */
export class RetryPolicyDto {
  @ApiPropertyOptional({ example: ['PT5S', 'PT5M', 'PT30M'], description: 'Delays before each retry' })
  @IsOptional()
  @IsArray({ message: 'schedule must be a list of durations' })
  @ArrayMaxSize(19, { message: 'schedule allows at most 19 retries' })
  @IsDuration({ min: Durations.SECOND, max: Durations.DAY }, { each: true })
  schedule?: string[];

  @ApiPropertyOptional({ example: 'PT5S' })
  @IsOptional()
  @IsDuration({ min: Durations.SECOND, max: Durations.DAY })
  initialInterval?: string;

  @ApiPropertyOptional({ example: 2, minimum: 1, maximum: 10 })
  @IsOptional()
  @IsNumber({}, { message: 'backoffCoefficient must be a number from 1 to 10' })
  @Min(1, { message: 'backoffCoefficient must be a number from 1 to 10' })
  @Max(10, { message: 'backoffCoefficient must be a number from 1 to 10' })
  backoffCoefficient?: number;

  @ApiPropertyOptional({ example: 'PT10H' })
  @IsOptional()
  @IsDuration({ min: Durations.SECOND, max: Durations.DAY })
  maximumInterval?: string;

  @ApiPropertyOptional({
    example: 8,
    minimum: 1,
    maximum: 20,
    description: 'Attempts in all, the first included',
  })
  @IsOptional()
  @IsInt({ message: 'maximumAttempts must be a whole number from 1 to 20' })
  @Min(1, { message: 'maximumAttempts must be a whole number from 1 to 20' })
  @Max(20, { message: 'maximumAttempts must be a whole number from 1 to 20' })
  maximumAttempts?: number;
}

const RATE_LIMIT_COUNT_RULE = `rateLimit.count must be a whole number from 1 to ${MAX_RATE_LIMIT_COUNT}`;

/** At most `count` requests to the receiver in any window of one `per`, across every worker. */
export class RateLimitDto {
  @ApiProperty({ example: 5, minimum: 1, maximum: MAX_RATE_LIMIT_COUNT })
  @IsInt({ message: RATE_LIMIT_COUNT_RULE })
  @Min(1, { message: RATE_LIMIT_COUNT_RULE })
  @Max(MAX_RATE_LIMIT_COUNT, { message: RATE_LIMIT_COUNT_RULE })
  count: number;

  @ApiProperty({ enum: RATE_LIMIT_PERIODS, example: 'second' })
  @IsIn(RATE_LIMIT_PERIODS, { message: "rateLimit.per must be 'second' or 'minute'" })
  per: RateLimitPeriod;
}

class WebhookFields {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name: string;

  @ApiProperty({ example: 'https://example.com/webhooks', description: 'https (http also in test mode)' })
  @Transform(({ value }) => normalizedHttpUrl(value))
  @IsString({ message: 'url must be an absolute URL' })
  @MaxLength(MAX_URL_LENGTH, { message: `url must be at most ${MAX_URL_LENGTH} characters` })
  url: string;

  @ApiPropertyOptional({
    type: [HeaderDto],
    description: 'At most 20; credential-like values are stored sealed and shown masked',
  })
  @IsOptional()
  @IsArray({ message: 'headers must be a list of { key, value }' })
  @ValidateNested({ each: true })
  @Type(() => HeaderDto)
  headers?: HeaderDto[];

  @ApiPropertyOptional({
    example: ['APPLICANT_COMPLETED'],
    description: 'Empty or missing: every event type',
  })
  @IsOptional()
  @IsArray({ message: 'eventTypes must be a list of event types' })
  @Matches(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, {
    each: true,
    message: 'each value in eventTypes must be UPPER_SNAKE_CASE',
  })
  @IsIn(EVENT_TYPES, { each: true, message: EVENT_TYPE_MESSAGE })
  eventTypes?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({
    enum: WEBHOOK_ORDERINGS,
    default: 'none',
    description:
      '`subject`: the events about one subject go one at a time, in the order they were accepted (the next once the one before succeeded or finally failed); `none`: as they come, the fastest',
  })
  @IsOptional()
  @IsIn(WEBHOOK_ORDERINGS, { message: "ordering must be 'none' or 'subject'" })
  ordering?: WebhookOrdering;

  @ApiPropertyOptional({
    type: RetryPolicyDto,
    nullable: true,
    description: 'Default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; null restores it',
  })
  @Nullable()
  @IsObject({ message: 'retryPolicy must be an object' })
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { status: { $in: ['approved'] }, score: { $gte: 50 } },
    description:
      'Only events whose data matches: MongoDB-style conditions on paths relative to data (dotted for nested fields); ' +
      'a bare value means $eq; operators $eq $ne $gt $gte $lt $lte $in $nin $exists $not, and $and $or $not at the top; ' +
      'types compared strictly. At most 4096 characters, 50 conditions. null removes it. Test events are sent whatever it says',
  })
  @Nullable()
  @IsEventFilter()
  filter?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: RateLimitDto,
    nullable: true,
    description:
      'At most `count` requests to the receiver in any window of one `per` (retries, test events and recoveries included), ' +
      'across every worker; deliveries over it wait for their turn (no attempt spent). Absent: none; null removes it',
  })
  @Nullable()
  @IsObject({ message: 'rateLimit must be an object: { "count": 5, "per": "second" }' })
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;

  @ApiPropertyOptional({
    enum: WEBHOOK_SIGNATURES,
    default: 'hmac-sha256',
    description:
      'Standard Webhooks signatures: `hmac-sha256` (v1, a shared whsec_ secret) or `ed25519` (v1a; the receiver verifies with the whpk_ public key). ' +
      'Changing it issues a new key; the previous one keeps signing for a day',
  })
  @IsOptional()
  @IsIn(WEBHOOK_SIGNATURES, { message: "signature must be 'hmac-sha256' or 'ed25519'" })
  signature?: WebhookSignature;
}

export class CreateWebhookDto extends WebhookFields {}

/** Every field optional; `headers` replaces them all; `enabled: true` re-enables; `retryPolicy: null` restores the default. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

export class AppParams {
  @ApiProperty({ example: 'app_4fQ…' })
  @Matches(/^app_[0-9A-Za-z]{1,40}$/, { message: 'appId must be an application ID (app_…)' })
  appId: string;
}

export class WebhookParams extends AppParams {
  @ApiProperty({ example: 'wh_8Zk…' })
  @Matches(/^wh_[0-9A-Za-z]{1,40}$/, { message: 'id must be a webhook ID (wh_…)' })
  id: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    example: 'P1D',
    default: 'P1D',
    description: 'How long the old secret keeps signing too: 0 to 7 days',
  })
  @IsOptional()
  @IsDuration({ min: 0, max: 7 * Durations.DAY })
  overlap?: string;
}

export class RecoverDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Retry every failed delivery whose last attempt is since then (not in the future)',
  })
  @IsDateTime()
  @IsNotFuture()
  since: Date;
}

export class ReplayMissedDto {
  @ApiProperty({
    format: 'date-time',
    description:
      'Replay the events accepted since then that the webhook has no delivery of (not in the future)',
  })
  @IsDateTime()
  @IsNotFuture()
  since: Date;

  @ApiPropertyOptional({
    default: false,
    description: 'Also the events accepted before the webhook was made (by default they are not its own)',
  })
  @IsOptional()
  @IsBoolean({ message: 'includeBeforeCreation must be true or false' })
  includeBeforeCreation?: boolean;
}

export class ReplayMissedResponse {
  @ApiProperty({ description: 'Find the replay in the Temporal UI by it; calls for the same time share it' })
  workflowId: string;
  @ApiProperty({
    format: 'date-time',
    description: 'Where the replay started: since, or when the webhook was made',
  })
  since: string;
  @ApiPropertyOptional({ description: 'Events delivered now (present when the replay ended in time)' })
  opened?: number;
  @ApiPropertyOptional({ description: 'Events the webhook has (or had) a delivery of: not sent again' })
  delivered?: number;
  @ApiPropertyOptional({ description: 'Events its types or payload filter do not take' })
  notTaken?: number;
  @ApiPropertyOptional({
    description: 'Events whose payload is gone (retention, subject erased): counted, not sent',
  })
  erased?: number;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'A call looks at 10,000 events at most: call again with this as since for the rest',
  })
  continueFrom?: string;
  @ApiPropertyOptional({ description: 'Why the replay ended early: its webhook was disabled or deleted' })
  stopped?: string;
}

/** An example event's data, to try a webhook's filter on: the same rules as an event's `data`. */
export class FilterTestDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { status: 'approved', score: 72 } })
  @IsObject({ message: 'data must be a JSON object' })
  @OpaqueJson()
  data: Record<string, unknown>;
}

export class FilterTestResponse {
  @ApiProperty({ description: 'Whether an event with this data would be delivered to the webhook' })
  matches: boolean;
}

export class TestEventResponse {
  @ApiProperty({ example: 'evt_3Fa…' }) eventId: string;
  @ApiProperty({ description: 'Follow the result at GET …/deliveries/{deliveryId}' }) deliveryId: string;
}

export class RecoverResponse {
  @ApiProperty({ description: 'Find the recovery in the Temporal UI by it' }) workflowId: string;
  @ApiPropertyOptional({ description: 'Deliveries retried; present when the recovery ended in time' })
  retried?: number;
  @ApiPropertyOptional({ description: 'Deliveries no longer failed, or being retried already' })
  skipped?: number;
  @ApiPropertyOptional({ description: 'Why the recovery ended early: its webhook was disabled or deleted' })
  stopped?: string;
}

export class HeaderView {
  @ApiProperty() key: string;
  @ApiProperty({ description: 'Masked when the header looks like a credential' }) value: string;
}

export class RetryPolicyView {
  @ApiProperty({ example: ['PT5S', 'PT5M'], description: 'Delays before each retry after the first attempt' })
  schedule: string[];
}

export class WebhookResponse {
  @ApiProperty({ example: 'wh_8Zk…' }) id: string;
  @ApiProperty() applicationId: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [HeaderView] }) headers: HeaderView[];
  @ApiProperty({ type: [String], description: 'Empty: every event type' }) eventTypes: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) disabledReason: string | null;
  @ApiProperty({ enum: WEBHOOK_ORDERINGS, description: '`subject`: one at a time per subject, in order' })
  ordering: WebhookOrdering;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Health: since when every delivery has failed (null: healthy); it is disabled after a while',
  })
  failingSince: string | null;
  @ApiProperty({ type: RetryPolicyView }) retryPolicy: RetryPolicyView;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Its payload filter; null: every event of its types',
  })
  filter: Record<string, unknown> | null;
  @ApiProperty({ enum: WEBHOOK_SIGNATURES }) signature: WebhookSignature;
  @ApiProperty({ type: RateLimitDto, nullable: true, description: 'Its rate limit; null: none' })
  rateLimit: RateLimitDto | null;
  @ApiProperty({
    description: 'Deliveries waiting for their turn under the rate limit now (the throttled backlog)',
  })
  waitingForTurn: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({
    example: 'whsec_…',
    description:
      'What the receiver verifies with (whsec_ secret, or whpk_ public key for ed25519): when created or its signature changed; later at GET …/secret',
  })
  secret?: string;
}

export class WebhookListResponse {
  @ApiProperty({ type: [WebhookResponse] }) items: WebhookResponse[];
}

export class SecretResponse {
  @ApiProperty({
    example: 'whsec_…',
    description:
      'What the receiver verifies with: the whsec_ secret (HMAC), or the whpk_ public key (ed25519)',
  })
  secret: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Until then the previous secret signs too' })
  previousValidUntil?: string;
}
