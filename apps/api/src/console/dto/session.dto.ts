import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Durations } from '../../../../../libs/domain/duration';
import { IsDuration } from '../../../../../libs/http/is-duration.decorator';
import { SESSION_ID_PATTERN } from '../session-cookie';

/** Sign in with a workspace API token, or with a portal link's code: one of the two. */
export class SignInDto {
  @ApiPropertyOptional({ description: 'A workspace API token (wst_…)' })
  @IsOptional()
  @IsString({ message: 'token must be a workspace API token (wst_…)' })
  @IsNotEmpty({ message: 'token must be a workspace API token (wst_…), not empty' })
  @MaxLength(512, { message: 'token must be a workspace API token (wst_…)' })
  token?: string;

  @ApiPropertyOptional({ description: 'The code a portal link carries after #code=' })
  @IsOptional()
  @IsString({ message: 'portalCode must be the code of a portal link' })
  @Matches(SESSION_ID_PATTERN, { message: 'portalCode must be the code of a portal link, copied whole' })
  portalCode?: string;
}

export class PortalScopeView {
  @ApiProperty() applicationId: string;
  @ApiProperty({ description: 'Whether the application’s keys may be revealed' }) keys: boolean;
}

export class SessionResponse {
  @ApiProperty() workspaceId: string;
  @ApiProperty() workspaceName: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({
    type: PortalScopeView,
    nullable: true,
    description: 'Set when a portal link opened the session: only this application is visible',
  })
  portal: PortalScopeView | null;
}

export class CreatePortalSessionDto {
  @ApiPropertyOptional({ default: 'PT10M', description: 'How long the link can be used: 1 minute to 1 day' })
  @IsOptional()
  @IsDuration({ min: Durations.MINUTE, max: Durations.DAY })
  linkExpiresIn?: string;

  @ApiPropertyOptional({
    default: 'PT1H',
    description: 'How long the session it opens lasts: 5 minutes to 1 day',
  })
  @IsOptional()
  @IsDuration({ min: 5 * Durations.MINUTE, max: Durations.DAY })
  sessionDuration?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Whether the portal may reveal the application’s keys',
  })
  @IsOptional()
  @IsBoolean({ message: 'showKeys must be true or false' })
  showKeys?: boolean;
}

export class PortalSessionResponse {
  @ApiProperty({
    example: 'https://webhooks.example.com/console/portal#code=…',
    description: 'Open it once, before expiresAt; the code is in the fragment, so it reaches no server log',
  })
  url: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}
