import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { ActorRef } from '../../domain/applications';
import { ensureIndexes } from '../ensure-indexes';
import { KeysetPage, keysetPage, PagePosition } from '../keyset-page';
import { AuditEvent } from '../schemas/audit-event.schema';

export interface AuditEntry {
  /** Give one where the write may be retried (an activity): the event is then recorded once. */
  id?: string;
  workspaceId: string;
  applicationId: string;
  action: string;
  actor: ActorRef;
  /** Versions, settings, IDs: never key material. */
  details?: Record<string, unknown>;
  at?: Date;
}

/**
 * The one record of an application's deletion, under an ID of its own: it outlives the
 * application, so a create replayed under the Idempotency-Key that made it can be told it is gone.
 */
export const applicationDeletedAuditId = (applicationId: string) => `application-deleted:${applicationId}`;

@Injectable()
export class AuditEventsRepository implements OnModuleInit {
  constructor(@InjectModel(AuditEvent.name) private readonly model: Model<AuditEvent>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async record(entry: AuditEntry): Promise<void> {
    const { id = randomUUID(), at = new Date(), details = {}, ...rest } = entry;
    await this.model
      .updateOne({ _id: id }, { $setOnInsert: { ...rest, details, at } }, { upsert: true })
      .exec();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.model.exists({ _id: id }).exec()) !== null;
  }

  /** The application's records, newest first, a page at a time. */
  async page(
    applicationId: string,
    options: { limit: number; after?: PagePosition },
  ): Promise<KeysetPage<AuditEvent>> {
    return keysetPage(this.model, { applicationId }, 'at', options);
  }
}
