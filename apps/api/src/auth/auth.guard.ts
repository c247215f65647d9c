import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearerToken, secretsEqual } from '../../../../libs/auth/constant-time';
import { CREDENTIAL_NAMES, Principal, PrincipalKind } from '../../../../libs/auth/principal';
import { tokenPrefix } from '../../../../libs/auth/tokens';
import { Environment } from '../../../../libs/config/environment';
import { CredentialsService } from '../../../../libs/credentials/credentials.service';
import { ApiError } from '../../../../libs/http/api-error';
import { ApplicationsRepository } from '../../../../libs/persistence/repositories/applications.repository';
import { WorkspacesRepository } from '../../../../libs/persistence/repositories/workspaces.repository';
import { AUTH_KINDS, RequestWithPrincipal } from './auth.decorator';

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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kinds = this.reflector.getAllAndOverride<PrincipalKind[] | undefined>(AUTH_KINDS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!kinds) return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const expected = kinds.map((k) => CREDENTIAL_NAMES[k]).join(' or ');
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthorized(`Send "Authorization: Bearer <token>" with ${expected}`);
    const principal = await this.identify(token);
    if (!kinds.includes(principal.kind)) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        'WRONG_CREDENTIAL',
        `This route takes ${expected}, not ${CREDENTIAL_NAMES[principal.kind]}`,
      );
    }
    request.principal = principal;
    return true;
  }

  private async identify(token: string): Promise<Principal> {
    switch (tokenPrefix(token)) {
      case 'wst': {
        const workspace = await this.workspaces.findByApiToken(token);
        if (!workspace) throw unauthorized('Unknown or revoked workspace API token');
        return { kind: 'workspace', workspaceId: workspace._id };
      }
      case 'pak_test':
      case 'pak_live': {
        const owner = await this.credentials.applicationOfPrivateAppKey(token);
        const application = owner && (await this.applications.findById(owner.applicationId));
        if (!owner || application?.status !== 'active')
          throw unauthorized('Unknown or revoked Private App Key');
        return { kind: 'application', ...owner };
      }
      default:
        if (this.env.ADMIN_TOKEN && secretsEqual(token, this.env.ADMIN_TOKEN)) return { kind: 'operator' };
        throw unauthorized('Malformed or unknown credential: check the token was copied whole');
    }
  }
}
