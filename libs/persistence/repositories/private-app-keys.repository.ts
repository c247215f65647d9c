import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { tokenHash } from '../../auth/tokens';
import type { SealedSecret } from '../../crypto/master-keyring';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { PrivateAppKey } from '../schemas/private-app-key.schema';

@Injectable()
export class PrivateAppKeysRepository implements OnModuleInit {
  constructor(@InjectModel(PrivateAppKey.name) private readonly model: Model<PrivateAppKey>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /** Inserts the key as `version`; false when that version exists (another call inserted it first). */
  async insert(key: {
    token: string;
    applicationId: string;
    workspaceId: string;
    version: number;
    seal: (id: string) => SealedSecret;
  }): Promise<boolean> {
    const _id = tokenHash(key.token);
    try {
      await this.model.create({
        _id,
        applicationId: key.applicationId,
        workspaceId: key.workspaceId,
        version: key.version,
        key: key.seal(_id),
        createdAt: new Date(),
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** The newest key that is not revoked. */
  async findActive(applicationId: string): Promise<PrivateAppKey | null> {
    return this.model.findOne({ applicationId, revokedAt: null }).sort({ version: -1 }).lean().exec();
  }

  async findVersion(applicationId: string, version: number): Promise<PrivateAppKey | null> {
    return this.model.findOne({ applicationId, version }).lean().exec();
  }

  async latestVersion(applicationId: string): Promise<number> {
    const latest = await this.model.findOne({ applicationId }).sort({ version: -1 }).lean().exec();
    return latest?.version ?? 0;
  }

  /** The key's record when it is the application's live key; null for unknown or revoked keys. */
  async findActiveByToken(token: string): Promise<PrivateAppKey | null> {
    return this.model
      .findOne({ _id: tokenHash(token), revokedAt: null })
      .lean()
      .exec();
  }

  /**
   * Revokes every key of the application below `version`. Only ever lower ones: two regenerations
   * that interleave can never revoke the newer key, whatever order their writes land in.
   */
  async revokeOlderThan(applicationId: string, version: number): Promise<void> {
    await this.model
      .updateMany(
        { applicationId, version: { $lt: version }, revokedAt: null },
        { $set: { revokedAt: new Date() } },
      )
      .exec();
  }

  async deleteAll(applicationId: string): Promise<number> {
    return (await this.model.deleteMany({ applicationId }).exec()).deletedCount;
  }
}
