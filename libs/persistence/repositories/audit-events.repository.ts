import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { ActorRef } from '../../domain/applications';
import { ensureIndexes } from '../ensure-indexes';
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

  async list(applicationId: string, limit = 100): Promise<AuditEvent[]> {
    return this.model.find({ applicationId }).sort({ at: -1 }).limit(limit).lean().exec();
  }
}
