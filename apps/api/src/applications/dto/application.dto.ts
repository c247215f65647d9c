import { Nullable } from '../../../../../libs/http/validation';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import {
  ACTOR_KINDS,
  ActorKind,
  APPLICATION_MODES,
  APPLICATION_STATUSES,
  ApplicationMode,
  ApplicationStatus,
  ENCRYPTION_METHODS,
  EncryptionMethod,
  RETENTION_BOUNDS,
} from '../../../../../libs/domain/applications';
import { Durations } from '../../../../../libs/domain/duration';
import { normalizedHttpUrl } from '../../../../../libs/domain/http-url';
import { redirectUrlProblem } from '../../../../../libs/domain/redirect-url';
import { IsDuration, IsShorterThan } from '../../../../../libs/http/is-duration.decorator';
import { PageQuery } from '../../../../../libs/http/page-query';
import { trimmed } from '../../../../../libs/http/transforms';

/** The redirect URL rule, with the mode read from the same body (test when absent). */
function IsRedirectUrl(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRedirectUrl',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === null || redirectUrlProblem(value, modeOf(args)) === undefined,
        defaultMessage: (args: ValidationArguments) => redirectUrlProblem(args.value, modeOf(args)) ?? '',
      },
    });
}
const modeOf = (args: ValidationArguments): ApplicationMode =>
  (args.object as { mode?: ApplicationMode }).mode === 'live' ? 'live' : 'test';

export class CryptoKeyRotationDto {
  @ApiProperty({ example: 'P30D', description: 'How often: ISO 8601 or like 30d, 24h; 1 hour to 2 years' })
  @IsDuration({ min: Durations.HOUR, max: 2 * Durations.YEAR })
  every: string;

  @ApiPropertyOptional({
    example: 'P1D',
    default: 'PT0S',
    description:
      'How long the previous key keeps decrypting after a rotation: 0 to 7 days, shorter than every',
  })
  @IsOptional()
  @IsDuration({ min: 0, max: 7 * Durations.DAY })
  @IsShorterThan('every')
  graceWindow?: string;
}

class ApplicationFields {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Unique in the workspace, ignoring case' })
  @Transform(trimmed)
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name: string;

  @ApiPropertyOptional({ type: String, maxLength: 1000, nullable: true, description: 'null removes it' })
  @Nullable()
  @IsString()
  @MaxLength(1000, { message: 'description must be at most 1000 characters' })
  description?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'https://example.com/verified',
    nullable: true,
    description: 'Absolute https URL (http://localhost allowed in test mode); null removes it',
  })
  @Nullable()
  @Transform(({ value }) => normalizedHttpUrl(value))
  @IsRedirectUrl()
  redirectUrl?: string | null;

  @ApiProperty({ enum: ENCRYPTION_METHODS })
  @IsIn(ENCRYPTION_METHODS, { message: `encryptionMethod must be one of ${ENCRYPTION_METHODS.join(', ')}` })
  encryptionMethod: EncryptionMethod;

  @ApiPropertyOptional({
    type: CryptoKeyRotationDto,
    nullable: true,
    description: 'Rotate the Crypto Key on a schedule; null stops it',
  })
  @Nullable()
  @IsObject({ message: 'cryptoKeyRotation must be an object { every, graceWindow? } or null' })
  @ValidateNested()
  @Type(() => CryptoKeyRotationDto)
  cryptoKeyRotation?: CryptoKeyRotationDto | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Send webhooks with `encryptedData` (made with the Crypto Key) instead of `data`',
  })
  @IsOptional()
  @IsBoolean({ message: 'encryptWebhooks must be true or false' })
  encryptWebhooks?: boolean;

  @ApiPropertyOptional({
    example: 'P30D',
    default: 'P30D',
    description: "How long event payloads and receivers' answers are kept: 1 day to 1 year",
  })
  @IsOptional()
  @IsDuration({ min: RETENTION_BOUNDS.min, max: RETENTION_BOUNDS.payloadsMax })
  retention?: string;

  @ApiPropertyOptional({
    example: 'P90D',
    default: 'P90D (or `retention`, if longer)',
    description:
      'How long the metadata of deliveries (IDs, type, subject, status, error message, times) is kept: at least `retention`, up to 3 years',
  })
  @IsOptional()
  @IsDuration({ min: RETENTION_BOUNDS.min, max: RETENTION_BOUNDS.metadataMax })
  metadataRetention?: string;
}

export class CreateApplicationDto extends ApplicationFields {
  @ApiPropertyOptional({ enum: APPLICATION_MODES, default: 'test', description: 'Fixed once created' })
  @IsOptional()
  @IsIn(APPLICATION_MODES, { message: `mode must be one of ${APPLICATION_MODES.join(', ')}` })
  mode?: ApplicationMode;
}

/** Every field optional; `mode` cannot change (an unknown field here is refused). */
export class UpdateApplicationDto extends PartialType(OmitType(ApplicationFields, ['redirectUrl'] as const)) {
  /** Checked against the application's mode by the service. */
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes it' })
  @Nullable()
  @Transform(({ value }) => normalizedHttpUrl(value))
  @IsString({ message: 'redirectUrl must be an absolute URL, or null to remove it' })
  redirectUrl?: string | null;
}

export class ApplicationParams {
  @ApiProperty({ example: 'app_4fQ…' })
  @Matches(/^app_[0-9A-Za-z]{1,40}$/, { message: 'id must be an application ID (app_…)' })
  id: string;
}

export class ListApplicationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: APPLICATION_MODES })
  @IsOptional()
  @IsIn(APPLICATION_MODES, { message: `mode must be one of ${APPLICATION_MODES.join(', ')}` })
  mode?: ApplicationMode;

  @ApiPropertyOptional({
    maxLength: 100,
    description: 'Only applications whose name contains it, ignoring case',
  })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(100, { message: 'search must be at most 100 characters' })
  search?: string;
}

export class RotationScheduleView {
  @ApiProperty({ example: 'P30D' }) every: string;
  @ApiProperty({ example: 'P1D' }) graceWindow: string;
  @ApiPropertyOptional({ example: 'crypto-key-rotation-schedule:app_4fQ…' }) scheduleId?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) nextRunAt?: string | null;
}

export class CredentialsResponse {
  @ApiProperty() applicationId: string;
  @ApiProperty({ description: 'base64 of the 32-byte Crypto Key' }) cryptoKey: string;
  @ApiProperty() cryptoKeyVersion: number;
  @ApiProperty({ example: 'pak_test_…' }) privateAppKey: string;
}

export class ApplicationResponse {
  @ApiProperty({ example: 'app_4fQ…', description: 'The Application ID' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) redirectUrl: string | null;
  @ApiProperty({ enum: ENCRYPTION_METHODS }) encryptionMethod: EncryptionMethod;
  @ApiProperty({ enum: APPLICATION_MODES }) mode: ApplicationMode;
  @ApiProperty({ enum: APPLICATION_STATUSES }) status: ApplicationStatus;
  @ApiProperty() encryptWebhooks: boolean;
  @ApiProperty({ nullable: true, type: Number }) cryptoKeyVersion: number | null;
  @ApiProperty({ type: RotationScheduleView, nullable: true }) cryptoKeyRotation: RotationScheduleView | null;
  @ApiProperty({ example: 'P30D', description: "How long event payloads and receivers' answers are kept" })
  retention: string;
  @ApiProperty({ example: 'P90D', description: 'How long delivery metadata is kept' })
  metadataRetention: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({
    type: CredentialsResponse,
    description: 'Only in the answer to POST, when provisioning finished in time',
  })
  credentials?: CredentialsResponse;
}

export class ApplicationPageResponse {
  @ApiProperty({ type: [ApplicationResponse] }) items: ApplicationResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page' }) nextCursor:
    string | null;
}

export class RotateCryptoKeyDto {
  @ApiPropertyOptional({
    example: 'PT24H',
    default: 'PT0S',
    description: '0 to 7 days; 0 revokes the old key at once',
  })
  @IsOptional()
  @IsDuration({ min: 0, max: 7 * Durations.DAY })
  graceWindow?: string;
}

export class CryptoKeyRotationResponse {
  @ApiProperty({ example: 'crypto-key-rotation:app_4fQ…' }) workflowId: string;
  @ApiProperty() runId: string;
  @ApiPropertyOptional() previousVersion?: number;
  @ApiPropertyOptional() newVersion?: number;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) previousVersionValidUntil?:
    string | null;
}

export class CryptoKeyVersionView {
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['current', 'retiring', 'revoked'] }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) retiringUntil: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class CryptoKeyVersionsResponse {
  @ApiProperty({ type: [CryptoKeyVersionView] }) items: CryptoKeyVersionView[];
}

export class PrivateAppKeyResponse {
  @ApiProperty() applicationId: string;
  @ApiProperty({ example: 'pak_test_…' }) privateAppKey: string;
}

export class ActorView {
  @ApiProperty({ enum: ACTOR_KINDS }) kind: ActorKind;
  @ApiProperty({ type: String, nullable: true, example: 'ws_…', description: 'Never a credential' }) id:
    string | null;
}

export class AuditEventView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'crypto_key.rotated' }) action: string;
  @ApiProperty({ type: ActorView }) actor: ActorView;
  @ApiProperty({ type: Object }) details: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class AuditEventsResponse {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor: string | null;
}
