import { Injectable } from '@nestjs/common';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { CredentialsService } from '../libs/credentials/credentials.service';
import type { ActorRef, RotateCryptoKeyInput } from '../libs/domain/applications';
import { ApplicationsRepository } from '../libs/persistence/repositories/applications.repository';
import { AuditEventsRepository } from '../libs/persistence/repositories/audit-events.repository';

const execution = () => Context.current().info.workflowExecution!;
const auditId = (step: string) => `${execution().workflowId}:${execution().runId}:${step}`;

/** The side effects of Crypto Key rotation. Each writes its audit record once, whatever the retries. */
@Injectable()
export class CryptoKeysActivities {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditEventsRepository,
  ) {}

  async rotateCryptoKey(
    input: RotateCryptoKeyInput & { retiringUntil: string | null },
  ): Promise<{ previousVersion: number; newVersion: number }> {
    const application = await this.applications.findById(input.applicationId);
    if (!application || application.status !== 'active') {
      throw ApplicationFailure.nonRetryable(
        `Application ${input.applicationId} is not active`,
        'ApplicationNotActive',
      );
    }
    const retiringUntil = input.retiringUntil ? new Date(input.retiringUntil) : null;
    const versions = await this.credentials.rotateCryptoKey(
      input.applicationId,
      execution().runId,
      retiringUntil,
      input.requestedBy.kind === 'schedule' ? 'scheduled' : 'manual',
    );
    await this.audit.record({
      id: auditId('rotated'),
      workspaceId: application.workspaceId,
      applicationId: input.applicationId,
      action: 'crypto_key.rotated',
      actor: input.requestedBy,
      details: {
        oldVersion: versions.previousVersion,
        newVersion: versions.newVersion,
        graceWindowMs: input.graceWindowMs,
        oldVersionValidUntil: input.retiringUntil,
      },
    });
    return versions;
  }

  async revokeCryptoKeyVersion(input: {
    applicationId: string;
    version: number;
    requestedBy: ActorRef;
  }): Promise<void> {
    const application = await this.applications.findById(input.applicationId);
    if (!application) return;
    await this.credentials.revokeCryptoKey(input.applicationId, input.version, new Date());
    await this.audit.record({
      id: auditId('revoked'),
      workspaceId: application.workspaceId,
      applicationId: input.applicationId,
      action: 'crypto_key.revoked',
      actor: input.requestedBy,
      details: { version: input.version, reason: 'grace window ended' },
    });
  }

  async recordSkippedRotation(input: {
    applicationId: string;
    requestedBy: ActorRef;
    scheduledRun: string;
  }): Promise<void> {
    const application = await this.applications.findById(input.applicationId);
    if (!application) return;
    await this.audit.record({
      id: auditId('skipped'),
      workspaceId: application.workspaceId,
      applicationId: input.applicationId,
      action: 'crypto_key.rotation_skipped',
      actor: input.requestedBy,
      details: { reason: 'a rotation is already running', scheduledRun: input.scheduledRun },
    });
  }
}
