import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { FailedDeliveryHour } from '../schemas/failed-delivery-hour.schema';

/** How many noted hours a process remembers having written (then it writes them again, harmlessly). */
const REMEMBERED = 10_000;

/** The hours in which an application's deliveries failed: the failed view's index (see the schema). */
@Injectable()
export class FailedDeliveryHoursRepository implements OnModuleInit {
  /** Hours this process has noted: a burst of failures writes its hour once, not once per failure. */
  private readonly noted = new Set<string>();

  constructor(@InjectModel(FailedDeliveryHour.name) private readonly model: Model<FailedDeliveryHour>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /** Notes that a delivery of the application failed in `hour`; before the write that fails it. */
  async note(applicationId: string, hour: number): Promise<void> {
    const _id = `${applicationId}:${hour}`;
    if (this.noted.has(_id)) return;
    try {
      await this.model.collection.insertOne({ _id, applicationId, hour } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (this.noted.size >= REMEMBERED) this.noted.clear();
    this.noted.add(_id);
  }

  /** The application's hours with failures, newest first (one equality read: a few hundred at most). */
  async newestFirst(applicationId: string): Promise<number[]> {
    const found = await this.model.find({ applicationId }, { hour: 1 }).lean().exec();
    return found.map((h) => h.hour).sort((a, b) => b - a);
  }

  /** Forgets the application's hours before `hour` (their deliveries are past retention). */
  async forgetBefore(applicationId: string, hour: number): Promise<void> {
    const old = (await this.newestFirst(applicationId)).filter((h) => h < hour);
    if (old.length === 0) return;
    await this.model.deleteMany({ _id: { $in: old.map((h) => `${applicationId}:${h}`) } }).exec();
    this.noted.clear();
  }

  async deleteAll(applicationId: string): Promise<void> {
    await this.model.deleteMany({ applicationId }).exec();
    this.noted.clear();
  }
}
