import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { WebhookEvent } from '../schemas/webhook-event.schema';

@Injectable()
export class WebhookEventsRepository implements OnModuleInit {
  constructor(@InjectModel(WebhookEvent.name) private readonly model: Model<WebhookEvent>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Records the event once, idempotent on its ID (an insert that may find it there: cheaper than an
   * upsert); returns the record.
   */
  async record(event: Omit<WebhookEvent, 'createdAt'>): Promise<WebhookEvent> {
    const record = { ...event, createdAt: new Date() };
    try {
      await this.model.collection.insertOne({ ...record } as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    return record;
  }

  async findById(id: string): Promise<WebhookEvent | null> {
    return this.model.findById(id).lean().exec();
  }

  async deleteForApplication(applicationId: string): Promise<void> {
    await this.model.deleteMany({ applicationId }).exec();
  }
}
