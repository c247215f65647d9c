import { HttpStatus, Injectable } from '@nestjs/common';
import type { ApplicationPrincipal, WorkspacePrincipal } from '../../../../libs/auth/principal';
import { Environment } from '../../../../libs/config/environment';
import { resourceId } from '../../../../libs/crypto/resource-ids';
import { CredentialsService } from '../../../../libs/credentials/credentials.service';
import {
  ActorRef,
  CryptoKeyRotationSettings,
  ProvisionApplicationInput,
  RetentionSettings,
  retentionOf,
} from '../../../../libs/domain/applications';
import { formatDuration, parseDuration } from '../../../../libs/domain/duration';
import { redirectUrlProblem } from '../../../../libs/domain/redirect-url';
import { ApiError } from '../../../../libs/http/api-error';
import { PageCursors } from '../../../../libs/http/page-cursors';
import { invalidField } from '../../../../libs/http/validation';
import {
  ApplicationChanges,
  ApplicationsRepository,
  NameTakenError,
} from '../../../../libs/persistence/repositories/applications.repository';
import {
  applicationDeletedAuditId,
  AuditEventsRepository,
} from '../../../../libs/persistence/repositories/audit-events.repository';
import type { Application } from '../../../../libs/persistence/schemas/application.schema';
import {
  deleteRotationSchedule,
  describeRotationSchedule,
  upsertRotationSchedule,
} from '../../../../libs/temporal/schedules';
import { SearchAttributes } from '../../../../libs/temporal/search-attributes';
import { WorkflowIds } from '../../../../libs/temporal/workflow-ids';
import { WorkflowStarter } from '../../../../libs/temporal/workflow-starter';
import { ApplicationDeletionWorkflow } from '../../../../libs/temporal/contracts/application-deletion.contract';
import { ApplicationProvisioningWorkflow } from '../../../../libs/temporal/contracts/application-provisioning.contract';
import { CallerCache } from '../auth/caller-cache';
import { applicationView } from './application-view';
import type {
  ApplicationPageResponse,
  ApplicationResponse,
  CreateApplicationDto,
  CryptoKeyRotationDto,
  ListApplicationsQuery,
  UpdateApplicationDto,
} from './dto/application.dto';
import { NotProvisionedError } from '../../../../libs/domain/errors';

export const actorOf = (principal: WorkspacePrincipal): ActorRef => ({
  kind: 'workspace',
  id: principal.workspaceId,
});

export function rotationSettings(dto: CryptoKeyRotationDto): CryptoKeyRotationSettings {
  // The DTO validated both durations: parseDuration cannot fail here.
  return { everyMs: parseDuration(dto.every)!, graceWindowMs: parseDuration(dto.graceWindow ?? 'PT0S')! };
}

/**
 * The retention an application asks for, from what it had: metadata kept by default for 90 days,
 * or as long as payloads if longer; never shorter than payloads. Undefined: nothing asked.
 */
function retentionSettings(
  dto: { retention?: string; metadataRetention?: string },
  current: RetentionSettings | null,
): RetentionSettings | undefined {
  if (dto.retention === undefined && dto.metadataRetention === undefined) return undefined;
  const base = retentionOf({ retention: current });
  // The DTO validated both durations: parseDuration cannot fail here.
  const payloadsMs = dto.retention ? parseDuration(dto.retention)! : base.payloadsMs;
  const metadataMs = dto.metadataRetention
    ? parseDuration(dto.metadataRetention)!
    : Math.max(base.metadataMs, payloadsMs);
  if (metadataMs < payloadsMs)
    throw invalidField(
      'metadataRetention',
      `metadataRetention must be at least retention (${formatDuration(payloadsMs)})`,
    );
  return { payloadsMs, metadataMs };
}

const nameTaken = (name: string) =>
  new ApiError(
    HttpStatus.CONFLICT,
    'NAME_TAKEN',
    `An application named "${name}" already exists in this workspace`,
    {
      field: 'name',
    },
  );

/** Applications of a workspace: creating (through provisioning), reading, changing, deleting. */
@Injectable()
export class ApplicationsService {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly env: Environment,
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditEventsRepository,
    private readonly cursors: PageCursors,
    private readonly callers: CallerCache,
  ) {}

  /**
   * Starts the provisioning workflow (the one atomic step) and waits a few seconds for it: the
   * answer then carries the credentials, else `status: provisioning` and the client polls. The
   * same Idempotency-Key gives the same application, provisioned once.
   */
  async create(
    principal: WorkspacePrincipal,
    dto: CreateApplicationDto,
    idempotencyKey?: string,
  ): Promise<ApplicationResponse> {
    const retention = retentionSettings(dto, null);
    const applicationId = this.applicationIdFor(principal.workspaceId, idempotencyKey);
    // The key made an application that was deleted since: making it again would be a new one.
    if (idempotencyKey !== undefined && (await this.audit.exists(applicationDeletedAuditId(applicationId))))
      throw new ApiError(
        HttpStatus.CONFLICT,
        'APPLICATION_DELETED',
        `The application this Idempotency-Key created (${applicationId}) was deleted: send a new Idempotency-Key to create another`,
        { field: 'Idempotency-Key' },
      );
    // Taken by another application: a parallel duplicate of this request holds the name as this one.
    if (await this.applications.nameTaken(principal.workspaceId, dto.name, applicationId))
      throw nameTaken(dto.name);

    const input: ProvisionApplicationInput = {
      applicationId,
      workspaceId: principal.workspaceId,
      name: dto.name,
      description: dto.description ?? null,
      redirectUrl: dto.redirectUrl ?? null,
      encryptionMethod: dto.encryptionMethod,
      mode: dto.mode ?? 'test',
      cryptoKeyRotation: dto.cryptoKeyRotation ? rotationSettings(dto.cryptoKeyRotation) : null,
      encryptWebhooks: dto.encryptWebhooks ?? false,
      ...(retention ? { retention } : {}),
      requestedBy: actorOf(principal),
    };
    const provisioning = await this.workflows.start(ApplicationProvisioningWorkflow, {
      workflowId: WorkflowIds.applicationProvisioning(applicationId),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished provisioning is never run again for the same application.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: applicationId }],
    });
    // Accepted. Record it now too (the workflow's own write is idempotent), so it reads as
    // `provisioning` at once even when no worker has picked the workflow up yet.
    try {
      await this.applications.insertProvisioning(input);
    } catch (err) {
      if (err instanceof NameTakenError) throw nameTaken(dto.name);
      throw err;
    }
    const provisioned = await this.workflows.wait(provisioning, this.env.API_WORKFLOW_WAIT_MS);
    if (provisioned.finished && provisioned.result.status === 'rejected') throw nameTaken(dto.name);
    const application = await this.applications.findById(applicationId);
    if (!application) throw this.notFound(applicationId);
    const view = applicationView(application, await this.schedule(application));
    if (application.status !== 'active') return view;
    // Keys handed out are in the audit log, whether this request made the application or
    // replayed the one its Idempotency-Key made (then with the keys as they are now).
    const credentials = await this.credentials.credentials(application);
    await this.audit.record({
      workspaceId: application.workspaceId,
      applicationId,
      action: 'credentials.read',
      actor: actorOf(principal),
      details: { cryptoKeyVersion: credentials.cryptoKeyVersion, via: 'create' },
    });
    return { ...view, credentials };
  }

  async list(principal: WorkspacePrincipal, query: ListApplicationsQuery): Promise<ApplicationPageResponse> {
    const page = await this.cursors.page(
      { name: 'applications', scope: principal.workspaceId },
      query,
      (options) =>
        this.applications.list(principal.workspaceId, { mode: query.mode, search: query.search, ...options }),
    );
    return { items: page.items.map((a) => applicationView(a)), nextCursor: page.nextCursor };
  }

  async get(principal: WorkspacePrincipal | ApplicationPrincipal, id: string): Promise<ApplicationResponse> {
    const application = await this.owned(principal, id);
    return applicationView(application, await this.schedule(application));
  }

  async update(
    principal: WorkspacePrincipal,
    id: string,
    dto: UpdateApplicationDto,
  ): Promise<ApplicationResponse> {
    const application = await this.owned(principal, id);
    if (dto.redirectUrl !== undefined && dto.redirectUrl !== null) {
      const problem = redirectUrlProblem(dto.redirectUrl, application.mode);
      if (problem) {
        throw invalidField('redirectUrl', problem);
      }
    }
    if (dto.name !== undefined && (await this.applications.nameTaken(principal.workspaceId, dto.name, id))) {
      throw nameTaken(dto.name);
    }
    const changes: ApplicationChanges = {};
    for (const field of [
      'name',
      'description',
      'redirectUrl',
      'encryptionMethod',
      'encryptWebhooks',
    ] as const) {
      if (dto[field] !== undefined) Object.assign(changes, { [field]: dto[field] });
    }
    const retention = retentionSettings(dto, application.retention);
    if (retention) changes.retention = retention;
    if (dto.cryptoKeyRotation !== undefined) {
      changes.cryptoKeyRotation = dto.cryptoKeyRotation && rotationSettings(dto.cryptoKeyRotation);
      await this.applySchedule(application, changes.cryptoKeyRotation, actorOf(principal));
    }
    let updated: Application | null;
    try {
      updated = await this.applications.update(principal.workspaceId, id, changes);
    } catch (err) {
      if (err instanceof NameTakenError) throw nameTaken(dto.name ?? '');
      throw err;
    }
    // Events this process accepts from now on see the change (its encryption method, say).
    this.callers.forgetAll();
    if (!updated) throw this.notFound(id);
    return applicationView(updated, await this.schedule(updated));
  }

  /** Creates, updates or (null) removes the rotation schedule of an active application, and says so. */
  async applySchedule(
    application: Application,
    settings: CryptoKeyRotationSettings | null,
    actor: ActorRef,
  ): Promise<void> {
    if (application.status !== 'active') throw new NotProvisionedError(application._id);
    if (settings)
      await upsertRotationSchedule(
        this.workflows.client,
        this.env.TEMPORAL_TASK_QUEUE,
        application._id,
        settings,
      );
    else await deleteRotationSchedule(this.workflows.client, application._id);
    await this.audit.record({
      workspaceId: application.workspaceId,
      applicationId: application._id,
      action: settings ? 'crypto_key.rotation_schedule_set' : 'crypto_key.rotation_schedule_removed',
      actor,
      details: settings
        ? { every: formatDuration(settings.everyMs), graceWindow: formatDuration(settings.graceWindowMs) }
        : {},
    });
  }

  /** Runs the deletion workflow; 'deleted' when it finished in time, else 'deleting'. */
  async delete(principal: WorkspacePrincipal, id: string): Promise<'deleted' | 'deleting'> {
    await this.owned(principal, id);
    const deletion = await this.workflows.startAndWait(
      ApplicationDeletionWorkflow,
      {
        workflowId: WorkflowIds.applicationDeletion(id),
        args: [{ applicationId: id, requestedBy: actorOf(principal) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [{ key: SearchAttributes.ApplicationId, value: id }],
      },
      this.env.API_WORKFLOW_WAIT_MS,
    );
    // Its keys and the application itself: refused from now on by this process.
    this.callers.forgetAll();
    return deletion.finished ? 'deleted' : 'deleting';
  }

  /**
   * The caller's application; 404 for another tenant's, a missing or a deleting one. `cached`: as
   * read at most API_CALLER_CACHE_TTL_MS ago (the events route, where it is read on every event).
   */
  async owned(
    principal: WorkspacePrincipal | ApplicationPrincipal,
    id: string,
    { cached = false } = {},
  ): Promise<Application> {
    // An application's key opens that application only: any other is as good as absent.
    if (principal.kind === 'application' && principal.applicationId !== id) throw this.notFound(id);
    const read = () => this.applications.findInWorkspace(principal.workspaceId, id);
    const application = cached
      ? // Only an active one is kept: one still provisioning is read again until it is active.
        await this.callers.get(
          `application:${principal.workspaceId}:${id}`,
          read,
          (a) => a.status === 'active',
        )
      : await read();
    if (!application || application.status === 'deleting') throw this.notFound(id);
    return application;
  }

  private notFound(id: string): ApiError {
    return new ApiError(
      HttpStatus.NOT_FOUND,
      'APPLICATION_NOT_FOUND',
      `No application ${id} in this workspace`,
    );
  }

  schedule(application: Application) {
    return application.cryptoKeyRotation
      ? describeRotationSchedule(this.workflows.client, application._id)
      : null;
  }

  private applicationIdFor(workspaceId: string, idempotencyKey?: string): string {
    return resourceId(
      'app',
      idempotencyKey === undefined ? undefined : { scope: workspaceId, key: idempotencyKey },
    );
  }
}
