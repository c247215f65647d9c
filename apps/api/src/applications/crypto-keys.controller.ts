import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PageQuery } from '../../../../libs/http/page-query';
import { Auth, CurrentPrincipal, PortalAllowed } from '../auth/auth.decorator';
import type { WorkspacePrincipal } from '../../../../libs/auth/principal';
import { CryptoKeysService } from './crypto-keys.service';
import {
  ApplicationParams,
  AuditEventsResponse,
  CredentialsResponse,
  CryptoKeyRotationDto,
  CryptoKeyRotationResponse,
  CryptoKeyVersionsResponse,
  PrivateAppKeyResponse,
  RotateCryptoKeyDto,
  RotationScheduleView,
} from './dto/application.dto';

@ApiTags('applications: keys')
@Auth('workspace')
@ApiNotFoundResponse({ description: 'No such application in this workspace' })
@ApiConflictResponse({ description: 'NOT_PROVISIONED: the application has no keys yet' })
@Controller('applications/:id')
export class CryptoKeysController {
  constructor(private readonly keys: CryptoKeysService) {}

  @Get('credentials')
  @PortalAllowed('keys')
  @ApiOperation({ summary: 'The Application ID, Crypto Key and Private App Key (leaves an audit record)' })
  @ApiOkResponse({ type: CredentialsResponse })
  credentials(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
  ): Promise<CredentialsResponse> {
    return this.keys.credentialsOf(principal, id);
  }

  @Post('private-app-key/regenerate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A new Private App Key; the old one stops authenticating at once',
    description:
      'Calls that race (a double click, a retried request) are answered with the same new key: one regeneration, not one per call.',
  })
  @ApiOkResponse({ type: PrivateAppKeyResponse })
  regeneratePrivateAppKey(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
  ): Promise<PrivateAppKeyResponse> {
    return this.keys.regeneratePrivateAppKey(principal, id);
  }

  @Post('crypto-key/rotate')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Rotate the Crypto Key: the new version is current at once, the old one works until the grace window ends',
  })
  @ApiAcceptedResponse({ type: CryptoKeyRotationResponse })
  @ApiConflictResponse({
    description: 'ROTATION_IN_PROGRESS (details name the running workflow), or NOT_PROVISIONED',
  })
  rotate(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
    @Body() body: RotateCryptoKeyDto,
  ): Promise<CryptoKeyRotationResponse> {
    return this.keys.rotate(principal, id, body);
  }

  @Get('crypto-key/versions')
  @PortalAllowed()
  @ApiOperation({
    summary: 'Crypto Key versions and their status (current, retiring until, revoked); no key material',
  })
  @ApiOkResponse({ type: CryptoKeyVersionsResponse })
  versions(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
  ): Promise<CryptoKeyVersionsResponse> {
    return this.keys.versions(principal, id);
  }

  @Put('crypto-key/rotation-schedule')
  @ApiOperation({
    summary: 'Rotate the Crypto Key on a schedule (a Temporal Schedule), creating or changing it',
  })
  @ApiOkResponse({ type: RotationScheduleView })
  setRotationSchedule(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
    @Body() body: CryptoKeyRotationDto,
  ): Promise<RotationScheduleView> {
    return this.keys.setRotationSchedule(principal, id, body);
  }

  @Delete('crypto-key/rotation-schedule')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop rotating the Crypto Key on a schedule' })
  @ApiNoContentResponse()
  removeRotationSchedule(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
  ): Promise<void> {
    return this.keys.removeRotationSchedule(principal, id);
  }

  @Get('audit-events')
  @PortalAllowed()
  @ApiOperation({
    summary:
      'Who did what to the application: creation, credential reads, rotations (newest first, a page at a time)',
  })
  @ApiOkResponse({ type: AuditEventsResponse })
  auditEvents(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
    @Query() query: PageQuery,
  ): Promise<AuditEventsResponse> {
    return this.keys.auditEvents(principal, id, query);
  }
}
