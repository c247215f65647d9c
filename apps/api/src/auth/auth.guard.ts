import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearerToken, secretsEqual } from '../../../../libs/auth/constant-time';
import { CREDENTIAL_NAMES, PortalScope, Principal, PrincipalKind } from '../../../../libs/auth/principal';
import { tokenHash, tokenPrefix } from '../../../../libs/auth/tokens';
import { Environment } from '../../../../libs/config/environment';
import { CredentialsService } from '../../../../libs/credentials/credentials.service';
import { ApiError } from '../../../../libs/http/api-error';
import { fromOwnPages, isSafeMethod } from '../../../../libs/http/same-origin';
import { ConsoleSessionsRepository } from '../../../../libs/persistence/repositories/console-sessions.repository';
import { ApplicationsRepository } from '../../../../libs/persistence/repositories/applications.repository';
import { WorkspacesRepository } from '../../../../libs/persistence/repositories/workspaces.repository';
import type { Request } from 'express';
import { crossSite, sessionEnded, sessionIdOf } from '../console/session-cookie';
import { AUTH_KINDS, PORTAL_ACCESS, PortalAccess, RequestWithPrincipal } from './auth.decorator';
import { CallerCache } from './caller-cache';

const unauthorized = (message: string) => new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', message);

/** Establishes who calls (operator, workspace or application) and whether the route takes them. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly env: Environment,
    private readonly workspaces: WorkspacesRepository,
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsService,
    private readonly sessions: ConsoleSessionsRepository,
    private readonly callers: CallerCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kinds = this.reflector.getAllAndOverride<PrincipalKind[] | undefined>(AUTH_KINDS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!kinds) return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const expected = kinds.map((k) => CREDENTIAL_NAMES[k]).join(' or ');
    const principal = await this.principalOf(request, expected);
    if (!kinds.includes(principal.kind)) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'WRONG_CREDENTIAL',
        `This route takes ${expected}, not ${CREDENTIAL_NAMES[principal.kind]}`,
      );
    }
    if (principal.kind === 'workspace' && principal.portal)
      this.checkPortal(context, request, principal.portal);
    request.principal = principal;
    return true;
  }

  /** By the Authorization header when there is one, else by the console's session cookie. */
  private async principalOf(request: Request, expected: string): Promise<Principal> {
    const sessionId = sessionIdOf(request);
    if (request.headers.authorization === undefined && sessionId)
      return this.sessionPrincipal(request, sessionId);
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized(`Send "Authorization: Bearer <token>" with ${expected}`);
    return this.identify(token);
  }

  private async sessionPrincipal(request: Request, sessionId: string): Promise<Principal> {
    const session = await this.sessions.findActive(tokenHash(sessionId));
    if (!session) throw sessionEnded();
    if (!isSafeMethod(request.method) && !fromOwnPages(request, this.env.PUBLIC_URL)) throw crossSite();
    return {
      kind: 'workspace',
      workspaceId: session.workspaceId,
      ...(session.portal && { portal: session.portal }),
    };
  }

  /** A portal session reaches only the routes opened to it, and only for its application. */
  private checkPortal(context: ExecutionContext, request: Request, portal: PortalScope): void {
    const access = this.reflector.getAllAndOverride<PortalAccess | undefined>(PORTAL_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    const params = request.params as Record<string, string | undefined>;
    const applicationId = params.appId ?? params.id;
    if (!access || applicationId !== portal.applicationId || (access === 'keys' && !portal.keys)) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'OUTSIDE_PORTAL',
        'This portal link opens one application, and not this part of it',
      );
    }
  }

  private async identify(token: string): Promise<Principal> {
    switch (tokenPrefix(token)) {
      case 'wst': {
        const principal = await this.callers.get(`token:${tokenHash(token)}`, async () => {
          const workspace = await this.workspaces.findByApiToken(token);
          return workspace && ({ kind: 'workspace', workspaceId: workspace._id } as const);
        });
        if (!principal) throw unauthorized('Unknown or revoked workspace API token');
        return principal;
      }
      case 'pak_test':
      case 'pak_live': {
        const principal = await this.callers.get(`token:${tokenHash(token)}`, async () => {
          const owner = await this.credentials.applicationOfPrivateAppKey(token);
          const application = owner && (await this.applications.findById(owner.applicationId));
          return owner && application?.status === 'active'
            ? ({ kind: 'application', ...owner } as const)
            : null;
        });
        if (!principal) throw unauthorized('Unknown or revoked Private App Key');
        return principal;
      }
      default:
        if (this.env.ADMIN_TOKEN && secretsEqual(token, this.env.ADMIN_TOKEN)) return { kind: 'operator' };
        throw unauthorized('Malformed or unknown credential: check the token was copied whole');
    }
  }
}
