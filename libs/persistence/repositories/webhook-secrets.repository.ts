import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { SealedSecret } from '../../crypto/master-keyring';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { WebhookSecret, WebhookSecretKind } from '../schemas/webhook-secret.schema';

@Injectable()
export class WebhookSecretsRepository implements OnModuleInit {
  constructor(@InjectModel(WebhookSecret.name) private readonly model: Model<WebhookSecret>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /** Inserts a new secret under its ID; false when that ID exists (another call inserted it first). */
  async insert(secret: NewSecret): Promise<boolean> {
    try {
      await this.model.create({ ...this.fields(secret), _id: secret.id });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Creates or replaces the secret under its ID (a header's value: the last write is the value). */
  async put(secret: NewSecret): Promise<void> {
    const write = () =>
      this.model.updateOne({ _id: secret.id }, { $set: this.fields(secret) }, { upsert: true }).exec();
    try {
      await write();
    } catch (err) {
      // Two upserts of one new ID at once: one inserts, the other fails on the _id; it now updates.
      if (!isDuplicateKey(err)) throw err;
      await write();
    }
  }

  async findById(id: string): Promise<WebhookSecret | null> {
    return this.model.findById(id).lean().exec();
  }

  /** The webhook's secrets (of one kind, or all), newest first. */
  async list(webhookId: string, kind?: WebhookSecretKind): Promise<WebhookSecret[]> {
    return this.model
      .find({ webhookId, ...(kind ? { kind } : {}) })
      .sort({ createdAt: -1, _id: -1 })
      .lean()
      .exec();
  }

  /** These secrets stop at `at` (those expiring earlier keep their time). */
  async expire(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.model
      .updateMany(
        { _id: { $in: ids }, $or: [{ expiresAt: null }, { expiresAt: { $gt: at } }] },
        { $set: { expiresAt: at } },
      )
      .exec();
  }

  async delete(ids: string[]): Promise<void> {
    await this.model.deleteMany({ _id: { $in: ids } }).exec();
  }

  async deleteForWebhooks(webhookIds: string[]): Promise<void> {
    await this.model.deleteMany({ webhookId: { $in: webhookIds } }).exec();
  }

  private fields(secret: NewSecret) {
    return {
      webhookId: secret.webhookId,
      kind: secret.kind,
      secret: secret.seal(secret.id),
      createdAt: new Date(),
      expiresAt: null,
    };
  }
}

interface NewSecret {
  id: string;
  webhookId: string;
  kind: WebhookSecretKind;
  seal: (id: string) => SealedSecret;
}
