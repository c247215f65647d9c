import { HttpStatus, Injectable } from '@nestjs/common';
import type { WorkspacePrincipal } from '../../../../libs/auth/principal';
import { tokenHash, tokenPrefix } from '../../../../libs/auth/tokens';
import { Environment } from '../../../../libs/config/environment';
import { parseDuration } from '../../../../libs/domain/duration';
import { ApiError } from '../../../../libs/http/api-error';
import { invalidField } from '../../../../libs/http/validation';
import { AuditEventsRepository } from '../../../../libs/persistence/repositories/audit-events.repository';
import { ConsoleSessionsRepository } from '../../../../libs/persistence/repositories/console-sessions.repository';
import { WorkspacesRepository } from '../../../../libs/persistence/repositories/workspaces.repository';
import type {
  ConsoleSession,
  PortalScope,
} from '../../../../libs/persistence/schemas/console-session.schema';
import { ApplicationsService } from '../applications/applications.service';
import { CreatePortalSessionDto, PortalSessionResponse, SessionResponse, SignInDto } from './dto/session.dto';
import { newSessionId, sessionEnded } from './session-cookie';

const DEFAULT_LINK_LIFETIME = 10 * 60_000;
const DEFAULT_PORTAL_SESSION = 60 * 60_000;

export interface OpenedSession {
  /** For the cookie only: never stored, never logged. */
  id: string;
  view: SessionResponse;
}

/** Console sign-ins (a workspace token or a portal link's code, exchanged for a session) and portal links. */
@Injectable()
export class ConsoleSessionsService {
  private readonly sessionTtlMs: number;

  constructor(
    env: Environment,
    private readonly sessions: ConsoleSessionsRepository,
    private readonly workspaces: WorkspacesRepository,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditEventsRepository,
  ) {
    // Checked at start to parse (libs/config/environment.ts).
    this.sessionTtlMs = parseDuration(env.CONSOLE_SESSION_TTL)!;
  }

  async signIn(dto: SignInDto): Promise<OpenedSession> {
    const { token, portalCode } = dto;
    if ((token === undefined) === (portalCode === undefined)) {
      throw invalidField('token', 'send either token (a workspace API token) or portalCode, one of the two');
    }
    return token !== undefined ? this.signInWithToken(token) : this.signInWithPortalCode(portalCode!);
  }

  async current(sessionId: string | undefined): Promise<SessionResponse> {
    const session = sessionId && (await this.sessions.findActive(tokenHash(sessionId)));
    if (!session) throw sessionEnded();
    return this.view(session);
  }

  async signOut(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.sessions.revoke(tokenHash(sessionId));
  }

  /** A one-time link, on the service's public `origin`, that opens the console on this application alone. */
  async createPortalLink(
    principal: WorkspacePrincipal,
    applicationId: string,
    dto: CreatePortalSessionDto,
    origin: string,
  ): Promise<PortalSessionResponse> {
    const application = await this.applications.owned(principal, applicationId);
    const code = newSessionId();
    const createdAt = new Date();
    const expiresAt = new Date(
      createdAt.getTime() + (dto.linkExpiresIn ? parseDuration(dto.linkExpiresIn)! : DEFAULT_LINK_LIFETIME),
    );
    const portal: PortalScope = { applicationId: application._id, keys: dto.showKeys ?? false };
    await this.sessions.createLink({
      _id: tokenHash(code),
      workspaceId: principal.workspaceId,
      portal,
      sessionTtlMs: dto.sessionDuration ? parseDuration(dto.sessionDuration)! : DEFAULT_PORTAL_SESSION,
      createdAt,
      expiresAt,
      redeemedAt: null,
    });
    await this.audit.record({
      workspaceId: principal.workspaceId,
      applicationId: application._id,
      action: 'portal_link.issued',
      actor: { kind: 'workspace', id: principal.workspaceId },
      details: { showKeys: portal.keys, expiresAt },
    });
    return {
      url: `${origin}/console/portal#code=${code}`,
      expiresAt: expiresAt.toISOString(),
    };
  }

  private async signInWithToken(token: string): Promise<OpenedSession> {
    const workspace = tokenPrefix(token) === 'wst' ? await this.workspaces.findByApiToken(token) : null;
    if (!workspace) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHORIZED', 'Unknown or revoked workspace API token', [
        { field: 'token', problems: ['is not a valid workspace API token: check it was copied whole'] },
      ]);
    }
    return this.open(workspace._id, null, this.sessionTtlMs);
  }

  private async signInWithPortalCode(code: string): Promise<OpenedSession> {
    const link = await this.sessions.redeemLink(tokenHash(code));
    if (!link) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'PORTAL_LINK_INVALID',
        'This portal link was used already or has expired: ask for a new one',
      );
    }
    await this.audit.record({
      workspaceId: link.workspaceId,
      applicationId: link.portal.applicationId,
      action: 'portal_link.used',
      actor: { kind: 'workspace', id: link.workspaceId },
    });
    return this.open(link.workspaceId, link.portal, link.sessionTtlMs);
  }

  private async open(
    workspaceId: string,
    portal: PortalScope | null,
    lifetimeMs: number,
  ): Promise<OpenedSession> {
    const id = newSessionId();
    const createdAt = new Date();
    const session: ConsoleSession = {
      _id: tokenHash(id),
      workspaceId,
      portal,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + lifetimeMs),
    };
    await this.sessions.create(session);
    return { id, view: await this.view(session) };
  }

  private async view(session: ConsoleSession): Promise<SessionResponse> {
    const workspace = await this.workspaces.findById(session.workspaceId);
    if (!workspace) throw sessionEnded();
    return {
      workspaceId: workspace._id,
      workspaceName: workspace.name,
      expiresAt: session.expiresAt.toISOString(),
      portal: session.portal && { applicationId: session.portal.applicationId, keys: session.portal.keys },
    };
  }
}
