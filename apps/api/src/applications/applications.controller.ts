import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IdempotencyKeyHeader } from '../../../../libs/http/idempotency-key';
import { Auth, CurrentPrincipal, PortalAllowed } from '../auth/auth.decorator';
import type { ApplicationPrincipal, WorkspacePrincipal } from '../../../../libs/auth/principal';
import { ApplicationsService } from './applications.service';
import {
  ApplicationPageResponse,
  ApplicationParams,
  ApplicationResponse,
  CreateApplicationDto,
  ListApplicationsQuery,
  UpdateApplicationDto,
} from './dto/application.dto';

@ApiTags('applications')
@Auth('workspace')
@ApiNotFoundResponse({ description: 'No such application in this workspace' })
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @ApiOperation({
    summary: 'Register an application; provisioning generates its ID and keys',
    description:
      'Answers 201 with `credentials` when provisioning finishes within a few seconds, else with ' +
      '`status: provisioning` (poll GET). The same Idempotency-Key returns the same application.',
  })
  @ApiHeader({ name: 'idempotency-key', required: false, description: '1 to 200 printable characters' })
  @ApiCreatedResponse({ type: ApplicationResponse })
  @ApiConflictResponse({ description: 'NAME_TAKEN: the workspace has an application of that name' })
  create(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Body() body: CreateApplicationDto,
    @IdempotencyKeyHeader() idempotencyKey?: string,
  ): Promise<ApplicationResponse> {
    return this.applications.create(principal, body, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'The workspace’s applications, newest first' })
  @ApiOkResponse({ type: ApplicationPageResponse })
  list(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Query() query: ListApplicationsQuery,
  ): Promise<ApplicationPageResponse> {
    return this.applications.list(principal, query);
  }

  @Get(':id')
  @Auth('workspace', 'application')
  @PortalAllowed()
  @ApiOperation({
    summary: 'One application, with its rotation schedule and next run',
    description: 'Also readable with the application’s own Private App Key.',
  })
  @ApiOkResponse({ type: ApplicationResponse })
  get(
    @CurrentPrincipal() principal: WorkspacePrincipal | ApplicationPrincipal,
    @Param() { id }: ApplicationParams,
  ): Promise<ApplicationResponse> {
    return this.applications.get(principal, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change name, description, redirect URL, encryption method or rotation (mode is fixed)',
  })
  @ApiOkResponse({ type: ApplicationResponse })
  @ApiConflictResponse({ description: 'NAME_TAKEN, or NOT_PROVISIONED for rotation settings' })
  update(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
    @Body() body: UpdateApplicationDto,
  ): Promise<ApplicationResponse> {
    return this.applications.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete the application and everything it owns (audit records stay)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiAcceptedResponse({ description: 'Deletion is under way' })
  async delete(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ id: string; status: 'deleting' } | void> {
    if ((await this.applications.delete(principal, id)) === 'deleting') {
      response.status(HttpStatus.ACCEPTED);
      return { id, status: 'deleting' };
    }
  }
}
