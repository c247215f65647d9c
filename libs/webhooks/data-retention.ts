import { Injectable } from '@nestjs/common';
import { retentionOf } from '../domain/applications';
import { noRetentionCounts, RetentionBatch, RetentionCounts, RetentionPosition } from '../domain/webhooks';
import { ApplicationsRepository } from '../persistence/repositories/applications.repository';
import { AuditEventsRepository } from '../persistence/repositories/audit-events.repository';
import { WebhookAttemptsRepository } from '../persistence/repositories/webhook-attempts.repository';
import { WebhookDeliveriesRepository } from '../persistence/repositories/webhook-deliveries.repository';
import {
  EventPosition,
  WebhookEventsRepository,
} from '../persistence/repositories/webhook-events.repository';

/** Events looked at per batch: a few bounded writes each. */
const BATCH = 500;

/**
 * Retention of webhook data, one bounded, idempotent batch at a time (the dataRetention
 * workflow's steps): past an application's `retention`, an event's payload and its attempts'
 * answers are erased; past its `metadataRetention`, the event, its deliveries and attempts go.
 * An event with a delivery still in progress is left whole until it has ended.
 */
@Injectable()
export class DataRetention {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly events: WebhookEventsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly attempts: WebhookAttemptsRepository,
    private readonly audit: AuditEventsRepository,
  ) {}

  /** The next application IDs after this one, in order. */
  applicationsAfter(afterId: string, limit: number): Promise<string[]> {
    return this.applications.idsAfter(afterId, limit);
  }

  /** One batch of an application's events, as of `at`; `next` says where the next starts (null: done). */
  async enforce(input: {
    applicationId: string;
    at: string;
    after: RetentionPosition | null;
  }): Promise<RetentionBatch> {
    const counts = noRetentionCounts();
    const application = await this.applications.findById(input.applicationId);
    if (!application) return { counts, next: null };
    const at = new Date(input.at).getTime();
    const retention = retentionOf(application);
    const metadataBefore = new Date(at - retention.metadataMs);
    // Every delivery that failed before then goes with its event in the batches of this run.
    if (!input.after) await this.deliveries.forgetFailuresBefore(application._id, metadataBefore);
    const due = await this.events.dueForRetention(
      application._id,
      { payloadsBefore: new Date(at - retention.payloadsMs), metadataBefore },
      input.after && { _id: input.after._id, createdAt: new Date(input.after.createdAt) },
      BATCH,
    );
    const deliveries = await this.deliveries.ofEvents(due.map((e) => e._id));
    const inProgress = new Set(deliveries.filter((d) => d.status === 'pending').map((d) => d.eventId));
    const settled = due.filter((e) => !inProgress.has(e._id));
    const deliveryIdsOf = (events: EventPosition[]) => {
      const ids = new Set(events.map((e) => e._id));
      return deliveries.filter((d) => ids.has(d.eventId)).map((d) => d._id);
    };

    const expired = settled.filter((e) => e.createdAt < metadataBefore);
    if (expired.length > 0) {
      const deliveryIds = deliveryIdsOf(expired);
      counts.attemptsDeleted = await this.attempts.deleteForDeliveries(deliveryIds);
      counts.deliveriesDeleted = await this.deliveries.deleteMany(deliveryIds);
      counts.eventsDeleted = await this.events.deleteMany(expired.map((e) => e._id));
    }
    const outlived = settled.filter((e) => e.createdAt >= metadataBefore);
    if (outlived.length > 0) {
      const eventIds = outlived.map((e) => e._id);
      counts.answersErased = await this.attempts.eraseAnswers(deliveryIdsOf(outlived));
      await this.deliveries.markPayloadErased(eventIds, 'retention');
      counts.payloadsErased = await this.events.erasePayloads(eventIds, 'retention');
    }
    counts.keptInProgress = inProgress.size;
    const last = due.at(-1);
    return {
      counts,
      next: due.length === BATCH && last ? { _id: last._id, createdAt: last.createdAt.toISOString() } : null,
    };
  }

  /** The audit record of what one run did to an application: once, whatever the retries. */
  async recordAudit(input: { applicationId: string; at: string; counts: RetentionCounts }): Promise<void> {
    const application = await this.applications.findById(input.applicationId);
    if (!application) return;
    await this.audit.record({
      id: `retention:${input.at}:${application._id}`,
      workspaceId: application.workspaceId,
      applicationId: application._id,
      action: 'webhook_data.retention_enforced',
      actor: { kind: 'schedule', id: null },
      details: { ...input.counts, retention: retentionOf(application) },
    });
  }
}
