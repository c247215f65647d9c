import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { tokenHash } from '../../auth/tokens';
import type { SealedSecret } from '../../crypto/master-keyring';
import { ensureIndexes } from '../ensure-indexes';
import { PrivateAppKey } from '../schemas/private-app-key.schema';

@Injectable()
export class PrivateAppKeysRepository implements OnModuleInit {
  constructor(@InjectModel(PrivateAppKey.name) private readonly model: Model<PrivateAppKey>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async insert(key: {
    token: string;
    applicationId: string;
    workspaceId: string;
    seal: (id: string) => SealedSecret;
  }): Promise<string> {
    const _id = tokenHash(key.token);
    await this.model.create({
      _id,
      applicationId: key.applicationId,
      workspaceId: key.workspaceId,
      key: key.seal(_id),
      createdAt: new Date(),
    });
    return _id;
  }

  async findActive(applicationId: string): Promise<PrivateAppKey | null> {
    return this.model.findOne({ applicationId, revokedAt: null }).sort({ createdAt: -1 }).lean().exec();
  }

  /** The key's record when it is the application's live key; null for unknown or revoked keys. */
  async findActiveByToken(token: string): Promise<PrivateAppKey | null> {
    return this.model
      .findOne({ _id: tokenHash(token), revokedAt: null })
      .lean()
      .exec();
  }

  /** Revokes every key of the application but `keepId`. */
  async revokeAllBut(applicationId: string, keepId: string): Promise<void> {
    await this.model
      .updateMany(
        { applicationId, _id: { $ne: keepId }, revokedAt: null },
        { $set: { revokedAt: new Date() } },
      )
      .exec();
  }

  async deleteAll(applicationId: string): Promise<number> {
    return (await this.model.deleteMany({ applicationId }).exec()).deletedCount;
  }
}
