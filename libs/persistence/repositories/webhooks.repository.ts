import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { Webhook } from '../schemas/webhook.schema';

export type WebhookChanges = Partial<
  Pick<
    Webhook,
    | 'name'
    | 'url'
    | 'headers'
    | 'eventTypes'
    | 'enabled'
    | 'disabledReason'
    | 'retryPolicy'
    | 'filterJson'
    | 'signature'
    | 'ordering'
    | 'failingSince'
  >
>;

@Injectable()
export class WebhooksRepository implements OnModuleInit {
  constructor(@InjectModel(Webhook.name) private readonly model: Model<Webhook>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Inserts the webhook in its application's lowest free slot below `limit`; null when every slot
   * is taken. A slot a concurrent creation took first fails the insert (unique per application),
   * and the next free one is tried: the count stays within `limit` however many race.
   */
  async createInFreeSlot(
    webhook: Omit<Webhook, 'createdAt' | 'updatedAt' | 'slot'>,
    limit: number,
  ): Promise<Webhook | null> {
    const taken = new Set(
      (await this.model.find({ applicationId: webhook.applicationId }, { slot: 1 }).lean().exec()).map(
        (w) => w.slot,
      ),
    );
    for (let slot = 0; slot < limit; slot++) {
      if (taken.has(slot)) continue;
      try {
        return (await this.model.create({ ...webhook, slot })).toObject();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return null;
  }

  async countInApplication(applicationId: string): Promise<number> {
    return this.model.countDocuments({ applicationId }).exec();
  }

  async findById(id: string): Promise<Webhook | null> {
    return this.model.findById(id).lean().exec();
  }

  /** The application's webhook, or null: another application's is as good as absent. */
  async findInApplication(applicationId: string, id: string): Promise<Webhook | null> {
    return this.model.findOne({ _id: id, applicationId }).lean().exec();
  }

  async findManyById(ids: string[]): Promise<Webhook[]> {
    return this.model
      .find({ _id: { $in: ids } })
      .lean()
      .exec();
  }

  async list(applicationId: string): Promise<Webhook[]> {
    return this.model.find({ applicationId }).sort({ createdAt: 1, _id: 1 }).lean().exec();
  }

  /**
   * The enabled webhooks that want this event type (an empty list wants all), or the one named
   * whatever its types (a test event); never those excluded.
   */
  async listSubscribed(
    applicationId: string,
    to: string | { only: string },
    excludeIds: string[] = [],
  ): Promise<Webhook[]> {
    const which =
      typeof to === 'string'
        ? { _id: { $nin: excludeIds }, $or: [{ eventTypes: { $size: 0 } }, { eventTypes: to }] }
        : { _id: { $eq: to.only, $nin: excludeIds } };
    return this.model
      .find({ applicationId, enabled: true, ...which })
      .sort({ _id: 1 })
      .lean()
      .exec();
  }

  async update(applicationId: string, id: string, changes: WebhookChanges): Promise<Webhook | null> {
    return this.model
      .findOneAndUpdate({ _id: id, applicationId }, { $set: changes }, { new: true })
      .lean()
      .exec();
  }

  async recordSuccess(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { lastSuccessAt: at, failingSince: null } }).exec();
  }

  /** Starts the webhook's failing afresh at `at` (a success came after the failingSince it had). */
  async restartFailing(id: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { failingSince: at } }).exec();
  }

  /** Notes a failure; the webhook's failingSince (kept from the first failure after a success). */
  async recordFailure(id: string, at: Date): Promise<Webhook | null> {
    await this.model.updateOne({ _id: id, failingSince: null }, { $set: { failingSince: at } }).exec();
    return this.findById(id);
  }

  /** Disables the webhook unless it already is; true when this call disabled it. */
  /** Endpoints switched off, by the worker or by their customer. */
  async countDisabled(): Promise<number> {
    return this.model.countDocuments({ enabled: false }).exec();
  }

  async disable(id: string, reason: string): Promise<boolean> {
    const { modifiedCount } = await this.model
      .updateOne({ _id: id, enabled: true }, { $set: { enabled: false, disabledReason: reason } })
      .exec();
    return modifiedCount === 1;
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id }).exec();
  }

  async deleteForApplication(applicationId: string): Promise<void> {
    await this.model.deleteMany({ applicationId }).exec();
  }

  async idsOfApplication(applicationId: string): Promise<string[]> {
    return (await this.model.find({ applicationId }, { _id: 1 }).lean().exec()).map((e) => e._id);
  }
}
