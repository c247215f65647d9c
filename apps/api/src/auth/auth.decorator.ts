import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Principal, PrincipalKind } from '../../../../libs/auth/principal';

export const AUTH_KINDS = 'auth:kinds';

/**
 * The credentials a route takes. Routes without it are public. A missing, malformed, unknown or
 * revoked credential gets 401; a valid one of another kind gets 403.
 */
export const Auth = (...kinds: PrincipalKind[]) =>
  applyDecorators(
    SetMetadata(AUTH_KINDS, kinds),
    ApiBearerAuth(kinds.join(' or ')),
    ApiUnauthorizedResponse({ description: 'Missing, malformed, unknown or revoked credential' }),
    ApiForbiddenResponse({
      description: `A credential of another kind: this route takes ${kinds.join(' or ')}`,
    }),
  );

export const PORTAL_ACCESS = 'auth:portal';
export type PortalAccess = 'application' | 'keys';

/**
 * Opens a workspace route to console sessions of a portal link, for its one application (the
 * route's `appId`, else `id`, parameter must name it). `keys`: only when the link shows keys.
 * Routes without it refuse portal sessions.
 */
export const PortalAllowed = (access: PortalAccess = 'application') => SetMetadata(PORTAL_ACCESS, access);

export type RequestWithPrincipal = Request & { principal?: Principal };

/** The caller, as the guard established it. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without @Auth');
  return principal;
});
