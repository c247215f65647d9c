import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { WebhookAttempt } from '../schemas/webhook-attempt.schema';

export const attemptIdOf = (deliveryId: string, series: number, attempt: number) =>
  `${deliveryId}:${series}:${attempt}`;

@Injectable()
export class WebhookAttemptsRepository implements OnModuleInit {
  constructor(@InjectModel(WebhookAttempt.name) private readonly model: Model<WebhookAttempt>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Records an attempt once for good: false, and nothing written, when it is recorded already (a
   * re-run after a crash that made the request again).
   */
  async record(attempt: Omit<WebhookAttempt, '_id'>): Promise<boolean> {
    const _id = attemptIdOf(attempt.deliveryId, attempt.series, attempt.attempt);
    try {
      await this.model.collection.insertOne({ _id, ...attempt } as never);
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
  }

  async find(deliveryId: string, series: number, attempt: number): Promise<WebhookAttempt | null> {
    return this.model
      .findById(attemptIdOf(deliveryId, series, attempt))
      .lean()
      .exec();
  }

  /** Whether an attempt to the webhook succeeded at or after `since`. */
  async succeededSince(webhookId: string, since: Date): Promise<boolean> {
    return (
      (await this.model.exists({ webhookId, succeeded: true, startedAt: { $gte: since } }).exec()) !== null
    );
  }

  async listForDelivery(deliveryId: string): Promise<WebhookAttempt[]> {
    return this.model.find({ deliveryId }).sort({ series: 1, attempt: 1 }).lean().exec();
  }

  /** Drops the receivers' answers kept with these deliveries' attempts; how many there were. */
  async eraseAnswers(deliveryIds: string[]): Promise<number> {
    const { modifiedCount } = await this.model
      .updateMany(
        { deliveryId: { $in: deliveryIds }, responseBody: { $ne: null } },
        { $set: { responseBody: null } },
      )
      .exec();
    return modifiedCount;
  }

  async deleteForDeliveries(deliveryIds: string[]): Promise<number> {
    const { deletedCount } = await this.model.deleteMany({ deliveryId: { $in: deliveryIds } }).exec();
    return deletedCount;
  }

  async deleteForApplication(applicationId: string): Promise<void> {
    await this.model.deleteMany({ applicationId }).exec();
  }
}
