import { Body, Controller, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { WorkspacePrincipal } from '../../../../libs/auth/principal';
import { Environment } from '../../../../libs/config/environment';
import { ownOrigin } from '../../../../libs/http/same-origin';
import { ApplicationParams } from '../applications/dto/application.dto';
import { Auth, CurrentPrincipal } from '../auth/auth.decorator';
import { ConsoleSessionsService } from './console-sessions.service';
import { CreatePortalSessionDto, PortalSessionResponse } from './dto/session.dto';

@ApiTags('console')
@Auth('workspace')
@Controller('applications/:id/portal-sessions')
export class PortalSessionsController {
  constructor(
    private readonly sessions: ConsoleSessionsService,
    private readonly env: Environment,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'A one-time, short-lived link that opens the console on this application alone',
    description:
      'Embed it for your own customer: the console it opens shows this application’s webhooks, ' +
      'deliveries and audit log (its keys only with showKeys), nothing else of the workspace.',
  })
  @ApiCreatedResponse({ type: PortalSessionResponse })
  @ApiNotFoundResponse({ description: 'No such application in this workspace' })
  create(
    @CurrentPrincipal() principal: WorkspacePrincipal,
    @Param() { id }: ApplicationParams,
    @Body() body: CreatePortalSessionDto,
    @Req() request: Request,
  ): Promise<PortalSessionResponse> {
    return this.sessions.createPortalLink(principal, id, body, ownOrigin(request, this.env.PUBLIC_URL));
  }
}
