import { Injectable } from '@nestjs/common';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { Environment } from '../libs/config/environment';
import { CredentialsService } from '../libs/credentials/credentials.service';
import type {
  ApplicationRequest,
  CryptoKeyRotationSettings,
  ProvisionApplicationInput,
} from '../libs/domain/applications';
import {
  ApplicationsRepository,
  NameTakenError,
} from '../libs/persistence/repositories/applications.repository';
import {
  applicationDeletedAuditId,
  AuditEventsRepository,
} from '../libs/persistence/repositories/audit-events.repository';
import { deleteRotationSchedule, upsertRotationSchedule } from '../libs/temporal/schedules';
import { InjectTemporalClient } from '../libs/temporal/temporal-client.module';
import { WorkflowIds } from '../libs/temporal/workflow-ids';

/** An ID for an audit record this activity writes: the same on every retry of it. */
function auditId(step: string): string {
  const { workflowExecution } = Context.current().info;
  return `${workflowExecution?.workflowId}:${workflowExecution?.runId}:${step}`;
}

/** The side effects of provisioning and deleting applications. */
@Injectable()
export class ApplicationsActivities {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditEventsRepository,
    @InjectTemporalClient() private readonly temporal: Client,
    private readonly env: Environment,
  ) {}

  async recordApplication(input: ProvisionApplicationInput): Promise<void> {
    try {
      await this.applications.insertProvisioning(input);
    } catch (err) {
      if (err instanceof NameTakenError) throw ApplicationFailure.nonRetryable(err.message, 'NameTaken');
      throw err;
    }
  }

  async issueInitialKeys({ applicationId }: { applicationId: string }): Promise<void> {
    const application = await this.applications.findById(applicationId);
    if (!application) throw ApplicationFailure.nonRetryable(`Application ${applicationId} is not recorded`);
    await this.credentials.issueInitialKeys(application, Context.current().info.workflowExecution!.runId);
  }

  async scheduleCryptoKeyRotation(input: {
    applicationId: string;
    settings: CryptoKeyRotationSettings;
  }): Promise<void> {
    await upsertRotationSchedule(
      this.temporal,
      this.env.TEMPORAL_TASK_QUEUE,
      input.applicationId,
      input.settings,
    );
  }

  async activateApplication({ applicationId, requestedBy }: ApplicationRequest): Promise<void> {
    const application = await this.applications.findById(applicationId);
    if (!application) throw ApplicationFailure.nonRetryable(`Application ${applicationId} is not recorded`);
    await this.applications.setStatus(applicationId, 'active');
    await this.audit.record({
      id: auditId('created'),
      workspaceId: application.workspaceId,
      applicationId,
      action: 'application.created',
      actor: requestedBy,
      details: {
        name: application.name,
        mode: application.mode,
        encryptionMethod: application.encryptionMethod,
        cryptoKeyVersion: 1,
      },
    });
  }

  async markApplicationDeleting({ applicationId }: { applicationId: string }): Promise<void> {
    await this.applications.setStatus(applicationId, 'deleting');
  }

  async deleteRotationSchedule({ applicationId }: { applicationId: string }): Promise<void> {
    await deleteRotationSchedule(this.temporal, applicationId);
  }

  /** Ends a running rotation: its grace timer has nothing left to revoke once the keys are gone. */
  async stopCryptoKeyRotation({ applicationId }: { applicationId: string }): Promise<void> {
    try {
      await this.temporal.workflow
        .getHandle(WorkflowIds.cryptoKeyRotation(applicationId))
        .terminate('application deleted');
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }

  async deleteApplicationData({ applicationId, requestedBy }: ApplicationRequest): Promise<void> {
    const application = await this.applications.findById(applicationId);
    if (!application) return;
    await this.credentials.deleteAll(applicationId);
    await this.applications.delete(applicationId);
    await this.audit.record({
      id: applicationDeletedAuditId(applicationId),
      workspaceId: application.workspaceId,
      applicationId,
      action: 'application.deleted',
      actor: requestedBy,
      details: { name: application.name },
    });
  }
}
