import { HttpStatus, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TimeoutError, withTimeout } from '../../../../libs/common/with-timeout';
import { CredentialsService } from '../../../../libs/credentials/credentials.service';
import { NotProvisionedError } from '../../../../libs/domain/errors';
import { formatDuration, parseDuration } from '../../../../libs/domain/duration';
import { ApiError } from '../../../../libs/http/api-error';
import { PageCursors } from '../../../../libs/http/page-cursors';
import type { PageQuery } from '../../../../libs/http/page-query';
import { ApplicationsRepository } from '../../../../libs/persistence/repositories/applications.repository';
import { AuditEventsRepository } from '../../../../libs/persistence/repositories/audit-events.repository';
import { CryptoKeysRepository } from '../../../../libs/persistence/repositories/crypto-keys.repository';
import type { Application } from '../../../../libs/persistence/schemas/application.schema';
import { SearchAttributes } from '../../../../libs/temporal/search-attributes';
import { WorkflowIds } from '../../../../libs/temporal/workflow-ids';
import { WorkflowStarter } from '../../../../libs/temporal/workflow-starter';
import {
  CryptoKeyRotationWorkflow,
  CryptoKeyRotationState,
  keyRotatedUpdate,
} from '../../../../libs/temporal/contracts/crypto-key-rotation.contract';
import type { WorkspacePrincipal } from '../../../../libs/auth/principal';
import { CallerCache } from '../auth/caller-cache';
import { actorOf, ApplicationsService, rotationSettings } from './applications.service';
import type {
  AuditEventsResponse,
  CredentialsResponse,
  CryptoKeyRotationDto,
  CryptoKeyRotationResponse,
  CryptoKeyVersionsResponse,
  PrivateAppKeyResponse,
  RotateCryptoKeyDto,
  RotationScheduleView,
} from './dto/application.dto';

/** How long a rotation request waits for the new version to be current. */
const WAIT_FOR_ROTATION_MS = 10_000;

/** An application's credentials and Crypto Key: reading, rotating, scheduling, auditing. */
@Injectable()
export class CryptoKeysService {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly applicationsService: ApplicationsService,
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsService,
    private readonly cryptoKeys: CryptoKeysRepository,
    private readonly audit: AuditEventsRepository,
    private readonly cursors: PageCursors,
    private readonly callers: CallerCache,
  ) {}

  async credentialsOf(principal: WorkspacePrincipal, id: string): Promise<CredentialsResponse> {
    const application = await this.applicationsService.owned(principal, id);
    const credentials = await this.credentials.credentials(application);
    await this.audit.record({
      workspaceId: application.workspaceId,
      applicationId: application._id,
      action: 'credentials.read',
      actor: actorOf(principal),
      details: { cryptoKeyVersion: credentials.cryptoKeyVersion },
    });
    return credentials;
  }

  async regeneratePrivateAppKey(principal: WorkspacePrincipal, id: string): Promise<PrivateAppKeyResponse> {
    const application = await this.active(principal, id);
    const { privateAppKey, version, issued } = await this.credentials.regeneratePrivateAppKey(application);
    this.callers.forgetAll();
    // Every caller that received a key is in the log: the one that issued it, and those that
    // raced it and were answered with it.
    await this.audit.record({
      workspaceId: application.workspaceId,
      applicationId: application._id,
      action: issued ? 'private_app_key.regenerated' : 'private_app_key.read',
      actor: actorOf(principal),
      details: { version, ...(issued ? {} : { reason: 'a concurrent regeneration issued it' }) },
    });
    return { applicationId: application._id, privateAppKey };
  }

  /**
   * Starts the rotation workflow (409 while one runs for the application) and answers once the
   * new version is current, or with the workflow's ID if that takes too long.
   */
  async rotate(
    principal: WorkspacePrincipal,
    id: string,
    dto: RotateCryptoKeyDto,
  ): Promise<CryptoKeyRotationResponse> {
    const application = await this.active(principal, id);
    const workflowId = WorkflowIds.cryptoKeyRotation(application._id);
    let handle;
    try {
      handle = await this.workflows.start(CryptoKeyRotationWorkflow, {
        workflowId,
        args: [
          {
            applicationId: application._id,
            graceWindowMs: parseDuration(dto.graceWindow ?? 'PT0S')!,
            requestedBy: actorOf(principal),
          },
        ],
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: application._id }],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const running = await this.workflows.client.workflow.getHandle(workflowId).describe();
      throw new ApiError(
        HttpStatus.CONFLICT,
        'ROTATION_IN_PROGRESS',
        `A Crypto Key rotation is already running for ${application._id} (workflow ${workflowId}, run ${running.runId}); retry once it has finished`,
        { workflowId, runId: running.runId },
      );
    }
    const answer = { workflowId, runId: handle.firstExecutionRunId };
    try {
      const state = await withTimeout(this.rotatedState(handle), WAIT_FOR_ROTATION_MS);
      return {
        ...answer,
        previousVersion: state.previousVersion,
        newVersion: state.newVersion,
        previousVersionValidUntil: state.retiringUntil ?? null,
      };
    } catch (err) {
      if (err instanceof TimeoutError) return answer;
      throw err;
    }
  }

  async versions(principal: WorkspacePrincipal, id: string): Promise<CryptoKeyVersionsResponse> {
    const application = await this.applicationsService.owned(principal, id);
    const versions = await this.cryptoKeys.list(application._id);
    return {
      items: versions.map((v) => ({
        version: v.version,
        status: v.status,
        createdAt: v.createdAt.toISOString(),
        retiringUntil: v.retiringUntil?.toISOString() ?? null,
        revokedAt: v.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  async setRotationSchedule(
    principal: WorkspacePrincipal,
    id: string,
    dto: CryptoKeyRotationDto,
  ): Promise<RotationScheduleView> {
    const application = await this.active(principal, id);
    const settings = rotationSettings(dto);
    await this.applicationsService.applySchedule(application, settings, actorOf(principal));
    await this.applications.setCryptoKeyRotation(application._id, settings);
    const schedule = await this.applicationsService.schedule({ ...application, cryptoKeyRotation: settings });
    return {
      every: formatDuration(settings.everyMs),
      graceWindow: formatDuration(settings.graceWindowMs),
      scheduleId: schedule?.scheduleId,
      nextRunAt: schedule?.nextRunAt ?? null,
    };
  }

  async removeRotationSchedule(principal: WorkspacePrincipal, id: string): Promise<void> {
    const application = await this.active(principal, id);
    await this.applicationsService.applySchedule(application, null, actorOf(principal));
    await this.applications.setCryptoKeyRotation(application._id, null);
  }

  async auditEvents(
    principal: WorkspacePrincipal,
    id: string,
    query: PageQuery,
  ): Promise<AuditEventsResponse> {
    const application = await this.applicationsService.owned(principal, id);
    const page = await this.cursors.page({ name: 'audit-events', scope: application._id }, query, (options) =>
      this.audit.page(application._id, options),
    );
    return {
      items: page.items.map((e) => ({
        id: e._id,
        action: e.action,
        actor: e.actor,
        details: e.details,
        at: e.at.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  private async active(principal: WorkspacePrincipal, id: string): Promise<Application> {
    const application = await this.applicationsService.owned(principal, id);
    if (application.status !== 'active') throw new NotProvisionedError(application._id);
    return application;
  }

  /** The state once the new version is current: from the update, or from the result if it already ended. */
  private async rotatedState(handle: {
    executeUpdate: (u: typeof keyRotatedUpdate) => Promise<CryptoKeyRotationState>;
    result: () => Promise<{ previousVersion: number; newVersion: number }>;
  }): Promise<CryptoKeyRotationState> {
    try {
      return await handle.executeUpdate(keyRotatedUpdate);
    } catch {
      const result = await handle.result();
      return { phase: 'done', previousVersion: result.previousVersion, newVersion: result.newVersion };
    }
  }
}
