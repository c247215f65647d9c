import { HttpStatus, Injectable } from '@nestjs/common';
import { generateToken, tokenHash } from '../../../../libs/auth/tokens';
import { ApiError } from '../../../../libs/http/api-error';
import { CallerCache } from '../auth/caller-cache';
import { ClaimsRepository } from '../../../../libs/persistence/repositories/claims.repository';
import { ConsoleSessionsRepository } from '../../../../libs/persistence/repositories/console-sessions.repository';
import {
  ApiTokenReplacement,
  IssuedWorkspace,
  WorkspacesRepository,
} from '../../../../libs/persistence/repositories/workspaces.repository';

/** Workspaces' API tokens: rotating one replaces it once, however many calls race to. */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly workspaces: WorkspacesRepository,
    private readonly sessions: ConsoleSessionsRepository,
    private readonly claims: ClaimsRepository,
    private readonly callers: CallerCache,
  ) {}

  /**
   * A new API token; the old one, and the console sessions it opened, stop at once. Calls that
   * race to replace the same token: one wins and gets the new token (only its hash is kept, so no
   * other caller can be given it); the others get 409 TOKEN_ROTATED_CONCURRENTLY.
   */
  async rotateApiToken(id: string): Promise<IssuedWorkspace> {
    const workspace = await this.workspaces.findById(id);
    if (!workspace) throw new ApiError(HttpStatus.NOT_FOUND, 'WORKSPACE_NOT_FOUND', `No workspace ${id}`);
    const apiToken = generateToken('wst');
    const replacement: ApiTokenReplacement = {
      apiTokenHash: tokenHash(apiToken),
      apiTokenIssuedAt: new Date(),
    };
    // The claim names the token it replaces and carries the replacement (a hash, never the token).
    const claim = await this.claims.claim(`workspace-api-token:${id}:${workspace.apiTokenHash}`, {
      value: {
        apiTokenHash: replacement.apiTokenHash,
        apiTokenIssuedAt: replacement.apiTokenIssuedAt.toISOString(),
      },
    });
    if (!claim.won) {
      // Whoever won may have stopped before its write: apply its decision (the same write, idempotent).
      const won = claim.value as { apiTokenHash: string; apiTokenIssuedAt: string };
      await this.replace(id, workspace.apiTokenHash, {
        apiTokenHash: won.apiTokenHash,
        apiTokenIssuedAt: new Date(won.apiTokenIssuedAt),
      });
      throw new ApiError(
        HttpStatus.CONFLICT,
        'TOKEN_ROTATED_CONCURRENTLY',
        `Another request rotated workspace ${id}'s API token at the same time, and received the new token; rotate again if that token is lost`,
      );
    }
    const rotated = await this.replace(id, workspace.apiTokenHash, replacement);
    if (!rotated) throw new ApiError(HttpStatus.NOT_FOUND, 'WORKSPACE_NOT_FOUND', `No workspace ${id}`);
    return { workspace: rotated, apiToken };
  }

  private async replace(id: string, previousHash: string, replacement: ApiTokenReplacement) {
    const rotated = await this.workspaces.replaceApiToken(id, previousHash, replacement);
    this.callers.forgetAll();
    // A console signed in with the old token is signed out with it.
    await this.sessions.revokeWorkspace(id);
    return rotated;
  }
}
