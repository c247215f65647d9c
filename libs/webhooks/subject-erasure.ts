import { Injectable } from '@nestjs/common';
import type { ActorRef } from '../domain/applications';
import type { SubjectErasureBatch, SubjectErasureResult, SubjectRef } from '../domain/webhooks';
import { ApplicationsRepository } from '../persistence/repositories/applications.repository';
import { AuditEventsRepository } from '../persistence/repositories/audit-events.repository';
import { SubjectKeysRepository } from '../persistence/repositories/subject-keys.repository';
import { WebhookAttemptsRepository } from '../persistence/repositories/webhook-attempts.repository';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import { WebhookEventsRepository } from '../persistence/repositories/webhook-events.repository';
import { DeliveryControl } from './delivery-control.service';

/** Events erased per batch. */
const BATCH = 500;

/**
 * Erasing one subject of an application (the subjectErasure workflow's steps): its data key
 * destroyed first, which leaves every payload sealed under it unreadable wherever it went; then
 * its pending deliveries cancelled and its stored payloads and answers erased. Each step idempotent.
 */
@Injectable()
export class SubjectErasure {
  constructor(
    private readonly keys: SubjectKeysRepository,
    private readonly control: DeliveryControl,
    private readonly events: WebhookEventsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly audit: AuditEventsRepository,
  ) {}

  /** Destroys the subject's data key; whether there was one. */
  destroyKey({ applicationId, subject }: SubjectRef): Promise<boolean> {
    return this.keys.delete(applicationId, subject);
  }

  /**
   * Tells the subject's pending deliveries to stop, and waits (a minute at most) until they have
   * recorded it, so that erasing in them next does not race those writes; how many there were.
   */
  cancelPending({ applicationId, subject }: SubjectRef): Promise<number> {
    return this.control.cancelPending({ applicationId, subject }, { untilEndedMs: 60_000 });
  }

  /** Erases the next batch of the subject's stored payloads and answers. */
  async eraseBatch({ applicationId, subject }: SubjectRef): Promise<SubjectErasureBatch> {
    const eventIds = await this.events.notErasedOfSubject(applicationId, subject, BATCH);
    if (eventIds.length === 0) return { payloadsErased: 0, answersErased: 0, more: false };
    const deliveries = await this.deliveries.ofEvents(eventIds);
    const answersErased = await this.attempts.eraseAnswers(deliveries.map((d) => d._id));
    await this.deliveries.markPayloadErased(eventIds, 'erasure');
    const payloadsErased = await this.events.erasePayloads(eventIds, 'erasure');
    return { payloadsErased, answersErased, more: eventIds.length === BATCH };
  }

  /** The audit record of the erasure: once per run, whatever the retries. */
  async recordAudit(
    input: SubjectRef & { requestedBy: ActorRef; runId: string; result: SubjectErasureResult },
  ): Promise<void> {
    const application = await this.applications.findById(input.applicationId);
    if (!application) return;
    await this.audit.record({
      id: `subject-erasure:${input.runId}`,
      workspaceId: application.workspaceId,
      applicationId: application._id,
      action: 'subject.erased',
      actor: input.requestedBy,
      details: { subject: input.subject, ...input.result },
    });
  }
}
