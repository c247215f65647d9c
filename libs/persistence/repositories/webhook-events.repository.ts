import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { CoalescedInserts } from '../coalesced-inserts';
import { ensureIndexes } from '../ensure-indexes';
import type { PayloadErasure } from '../../domain/webhooks';
import { WebhookEvent } from '../schemas/webhook-event.schema';

/** What a payload erased for this reason may have been before: an erasure overrides retention. */
export const erasableBy = (by: PayloadErasure): (PayloadErasure | null)[] =>
  by === 'erasure' ? [null, 'retention'] : [null];

/** Where an event stands in the order retention goes through them. */
export type EventPosition = Pick<WebhookEvent, '_id' | 'createdAt'>;

@Injectable()
export class WebhookEventsRepository implements OnModuleInit {
  private readonly inserts: CoalescedInserts;

  constructor(@InjectModel(WebhookEvent.name) private readonly model: Model<WebhookEvent>) {
    this.inserts = new CoalescedInserts(model.collection);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Records the event once, idempotent on its ID (an insert that may find it there: cheaper than an
   * upsert; coalesced with the events recorded meanwhile); returns the record, and whether this
   * call made it.
   */
  async record(event: Omit<WebhookEvent, 'createdAt'>): Promise<{ record: WebhookEvent; first: boolean }> {
    const record = { ...event, createdAt: new Date() };
    const result = await this.inserts.insert({ ...record });
    return { record, first: result === 'inserted' };
  }

  async findById(id: string): Promise<WebhookEvent | null> {
    return this.model.findById(id).lean().exec();
  }

  /**
   * The application's events that retention reaches next, oldest first after `after`: those older
   * than `payloadsBefore` whose payload is still kept, and every one older than `metadataBefore`.
   */
  async dueForRetention(
    applicationId: string,
    cutoffs: { payloadsBefore: Date; metadataBefore: Date },
    after: EventPosition | null,
    limit: number,
  ): Promise<EventPosition[]> {
    const position = after && {
      $or: [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, _id: { $gt: after._id } }],
    };
    return this.model
      .find(
        {
          applicationId,
          createdAt: { $lt: cutoffs.payloadsBefore },
          $and: [
            { $or: [{ erasedBy: null }, { createdAt: { $lt: cutoffs.metadataBefore } }] },
            ...(position ? [position] : []),
          ],
        },
        { _id: 1, createdAt: 1 },
      )
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /** The application's events accepted since `since`, in acceptance order after `after` (a replay's batch). */
  async acceptedSince(
    applicationId: string,
    since: Date,
    after: EventPosition | null,
    limit: number,
  ): Promise<WebhookEvent[]> {
    const position = after
      ? {
          $or: [
            { createdAt: { $gt: after.createdAt } },
            { createdAt: after.createdAt, _id: { $gt: after._id } },
          ],
        }
      : { createdAt: { $gte: since } };
    return this.model
      .find({ applicationId, ...position })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean()
      .exec();
  }

  /** Drops the data of these events, saying why (an erasure says so over retention); how many changed. */
  async erasePayloads(ids: string[], by: PayloadErasure): Promise<number> {
    const { modifiedCount } = await this.model
      .updateMany(
        { _id: { $in: ids }, erasedBy: { $in: erasableBy(by) } },
        { $set: { data: null, erasedBy: by } },
      )
      .exec();
    return modifiedCount;
  }

  /** Up to `limit` events about the subject not yet erased as such. */
  async notErasedOfSubject(applicationId: string, subject: string, limit: number): Promise<string[]> {
    const events = await this.model
      .find({ applicationId, subject, erasedBy: { $in: erasableBy('erasure') } }, { _id: 1 })
      .limit(limit)
      .lean()
      .exec();
    return events.map((e) => e._id);
  }

  async deleteMany(ids: string[]): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ _id: { $in: ids } }).exec();
    return deletedCount;
  }

  async deleteForApplication(applicationId: string): Promise<void> {
    await this.model.deleteMany({ applicationId }).exec();
  }
}
