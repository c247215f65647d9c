import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { SealedSecret } from '../../crypto/master-keyring';
import { ensureIndexes } from '../ensure-indexes';
import { WebhookSecret, WebhookSecretKind } from '../schemas/webhook-secret.schema';

@Injectable()
export class WebhookSecretsRepository implements OnModuleInit {
  constructor(@InjectModel(WebhookSecret.name) private readonly model: Model<WebhookSecret>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async put(secret: {
    id: string;
    webhookId: string;
    kind: WebhookSecretKind;
    seal: (id: string) => SealedSecret;
  }): Promise<void> {
    await this.model
      .updateOne(
        { _id: secret.id },
        {
          $set: {
            webhookId: secret.webhookId,
            kind: secret.kind,
            secret: secret.seal(secret.id),
            createdAt: new Date(),
            expiresAt: null,
          },
        },
        { upsert: true },
      )
      .exec();
  }

  /** The webhook's secrets (of one kind, or all), newest first. */
  async list(webhookId: string, kind?: WebhookSecretKind): Promise<WebhookSecret[]> {
    return this.model
      .find({ webhookId, ...(kind ? { kind } : {}) })
      .sort({ createdAt: -1, _id: -1 })
      .lean()
      .exec();
  }

  async count(webhookId: string, kind: WebhookSecretKind): Promise<number> {
    return this.model.countDocuments({ webhookId, kind }).exec();
  }

  /** Every secret of the kind but `keepId` stops at `at` (those expiring earlier keep their time). */
  async expireAllBut(webhookId: string, kind: WebhookSecretKind, keepId: string, at: Date): Promise<void> {
    await this.model
      .updateMany(
        { webhookId, kind, _id: { $ne: keepId }, $or: [{ expiresAt: null }, { expiresAt: { $gt: at } }] },
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
}
