import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Environment } from '../../../../libs/config/environment';
import { fromOwnPages, ownOrigin } from '../../../../libs/http/same-origin';
import { ConsoleSessionsService } from './console-sessions.service';
import { SessionResponse, SignInDto } from './dto/session.dto';
import { clearSessionCookie, crossSite, sessionIdOf, setSessionCookie } from './session-cookie';

/**
 * The console's own session: a workspace API token (or a portal link's code) is exchanged once
 * for an HttpOnly cookie, so the token never stays in the browser. Only the console's pages may
 * open or end one (Origin check), and the cookie is SameSite=Strict.
 */
@ApiTags('console')
@Controller('console/session')
export class SessionController {
  constructor(
    private readonly sessions: ConsoleSessionsService,
    private readonly env: Environment,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Sign in to the console: sets the session cookie (from the console’s pages only)',
  })
  @ApiCreatedResponse({ type: SessionResponse })
  @ApiUnauthorizedResponse({ description: 'UNAUTHORIZED (unknown token), or PORTAL_LINK_INVALID' })
  @ApiForbiddenResponse({ description: 'CROSS_SITE_REQUEST: not sent by the console’s own pages' })
  async signIn(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Body() body: SignInDto,
  ): Promise<SessionResponse> {
    this.assertOwnPages(request);
    const opened = await this.sessions.signIn(body);
    await this.sessions.signOut(sessionIdOf(request));
    setSessionCookie(response, opened.id, new Date(opened.view.expiresAt), this.secure(request));
    return opened.view;
  }

  @Get()
  @ApiOperation({ summary: 'Who the console’s session is, until when, and whether a portal link scopes it' })
  @ApiOkResponse({ type: SessionResponse })
  @ApiUnauthorizedResponse({ description: 'SESSION_EXPIRED' })
  current(@Req() request: Request): Promise<SessionResponse> {
    return this.sessions.current(sessionIdOf(request));
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: the session ends on the server, the cookie is cleared' })
  @ApiNoContentResponse()
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    this.assertOwnPages(request);
    await this.sessions.signOut(sessionIdOf(request));
    clearSessionCookie(response, this.secure(request));
  }

  private assertOwnPages(request: Request): void {
    if (!fromOwnPages(request, this.env.PUBLIC_URL)) throw crossSite();
  }

  private secure(request: Request): boolean {
    return request.secure || ownOrigin(request, this.env.PUBLIC_URL).startsWith('https:');
  }
}
