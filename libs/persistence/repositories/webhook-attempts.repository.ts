import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { pool } from '../../common/pool';
import { ensureIndexes } from '../ensure-indexes';
import { WebhookAttempt } from '../schemas/webhook-attempt.schema';
import { DeliveryAttemptRecord, WebhookDelivery } from '../schemas/webhook-delivery.schema';

export const attemptIdOf = (deliveryId: string, series: number, attempt: number) =>
  `${deliveryId}:${series}:${attempt}`;

/** Deliveries whose answers are erased at once. */
const ERASE_CONCURRENCY = 4;

const bySeriesAndNumber = (a: DeliveryAttemptRecord, b: DeliveryAttemptRecord) =>
  a.series - b.series || a.attempt - b.attempt;

/**
 * Deliveries' attempts, as they are read. Each is recorded in its delivery's document by the
 * write that records it there (WebhookDeliveriesRepository.recordAttempt): one write per attempt.
 * Attempts recorded before that were documents of their own in `webhook_attempts`, kept and read
 * here beside the others until retention deletes them.
 */
@Injectable()
export class WebhookAttemptsRepository implements OnModuleInit {
  constructor(
    @InjectModel(WebhookAttempt.name) private readonly recordedBefore: Model<WebhookAttempt>,
    @InjectModel(WebhookDelivery.name) private readonly deliveries: Model<WebhookDelivery>,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.recordedBefore);
  }

  /** One attempt of a delivery, wherever it was recorded. */
  async find(deliveryId: string, series: number, attempt: number): Promise<DeliveryAttemptRecord | null> {
    const delivery = await this.deliveries.findById(deliveryId, { attempts: 1 }).lean().exec();
    const kept = delivery?.attempts?.find((a) => a.series === series && a.attempt === attempt);
    return (
      kept ??
      this.recordedBefore
        .findById(attemptIdOf(deliveryId, series, attempt))
        .lean()
        .exec()
    );
  }

  /** Whether an attempt to the webhook succeeded at or after `since` (a success ends its delivery). */
  async succeededSince(webhookId: string, since: Date): Promise<boolean> {
    const [now, before] = await Promise.all([
      this.deliveries.exists({ webhookId, status: 'succeeded', lastAttemptAt: { $gte: since } }).exec(),
      this.recordedBefore.exists({ webhookId, succeeded: true, startedAt: { $gte: since } }).exec(),
    ]);
    return now !== null || before !== null;
  }

  /** Every attempt of the delivery, every series, in order. */
  async listForDelivery(
    delivery: Pick<WebhookDelivery, '_id' | 'attempts'>,
  ): Promise<DeliveryAttemptRecord[]> {
    const before = await this.recordedBefore.find({ deliveryId: delivery._id }).lean().exec();
    const kept = delivery.attempts ?? [];
    const known = new Set(kept.map((a) => attemptIdOf(delivery._id, a.series, a.attempt)));
    return [...kept, ...before.filter((a) => !known.has(a._id))].sort(bySeriesAndNumber);
  }

  /** Drops the receivers' answers kept with these deliveries' attempts; how many there were. */
  async eraseAnswers(deliveryIds: string[]): Promise<number> {
    const answered = (a: DeliveryAttemptRecord) => a.responseBody !== null && a.responseBody !== undefined;
    const withAnswers = (
      await this.deliveries
        .find({ _id: { $in: deliveryIds } }, { attempts: 1 })
        .lean()
        .exec()
    ).filter((d) => d.attempts?.some(answered));
    if (withAnswers.length > 0) {
      // Rewrites each delivery's attempts as read: a write to the delivery in between would be
      // lost on FerretDB v1, whose updates overwrite the whole document. Callers erase ended
      // deliveries only: retention leaves those in progress whole, and erasure first waits until
      // the deliveries it cancelled have recorded their end (DeliveryControl.cancelPending).
      // One update per delivery, a few at once: FerretDB v1 on PostgreSQL deadlocks its connection
      // pool on an update command of many statements while inserts flow (scripts/ferretdb-deadlock.ts).
      await pool(withAnswers, ERASE_CONCURRENCY, async (d) => {
        await this.deliveries
          .updateOne(
            { _id: d._id },
            { $set: { attempts: d.attempts!.map((a) => ({ ...a, responseBody: null })) } },
          )
          .exec();
      });
    }
    const { modifiedCount } = await this.recordedBefore
      .updateMany(
        { deliveryId: { $in: deliveryIds }, responseBody: { $ne: null } },
        { $set: { responseBody: null } },
      )
      .exec();
    return withAnswers.reduce((n, d) => n + d.attempts!.filter(answered).length, 0) + modifiedCount;
  }

  /**
   * Deletes the attempts recorded apart for these deliveries, which are being deleted (with the
   * attempts in them); how many attempts go, both kinds.
   */
  async deleteForDeliveries(deliveryIds: string[]): Promise<number> {
    const [deliveries, { deletedCount }] = await Promise.all([
      this.deliveries
        .find({ _id: { $in: deliveryIds } }, { attempts: 1 })
        .lean()
        .exec(),
      this.recordedBefore.deleteMany({ deliveryId: { $in: deliveryIds } }).exec(),
    ]);
    return deliveries.reduce((n, d) => n + (d.attempts?.length ?? 0), 0) + deletedCount;
  }

  /** The attempts recorded apart for an application being deleted (its deliveries go with theirs). */
  async deleteForApplication(applicationId: string): Promise<void> {
    await this.recordedBefore.deleteMany({ applicationId }).exec();
  }
}
