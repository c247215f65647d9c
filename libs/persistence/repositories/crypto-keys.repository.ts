import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { SealedSecret } from '../../crypto/master-keyring';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { CryptoKey } from '../schemas/crypto-key.schema';

export const cryptoKeyId = (applicationId: string, version: number) => `${applicationId}:${version}`;

@Injectable()
export class CryptoKeysRepository implements OnModuleInit {
  constructor(@InjectModel(CryptoKey.name) private readonly model: Model<CryptoKey>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /** The version `createdBy` (a workflow run) created, if it did: makes creation idempotent. */
  async findCreatedBy(applicationId: string, createdBy: string): Promise<CryptoKey | null> {
    return this.model.findOne({ applicationId, createdBy }).lean().exec();
  }

  async latestVersion(applicationId: string): Promise<number> {
    const latest = await this.model.findOne({ applicationId }).sort({ version: -1 }).lean().exec();
    return latest?.version ?? 0;
  }

  /**
   * Inserts the next version as current. The unique (application, version) index makes a
   * concurrent creation fail rather than fork; false when that happened.
   */
  async insertCurrent(key: {
    applicationId: string;
    version: number;
    material: (id: string) => SealedSecret;
    createdBy: string;
  }): Promise<boolean> {
    const _id = cryptoKeyId(key.applicationId, key.version);
    try {
      await this.model.create({
        _id,
        applicationId: key.applicationId,
        version: key.version,
        material: key.material(_id),
        status: 'current',
        createdAt: new Date(),
        createdBy: key.createdBy,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Every version older than `version` still current becomes retiring until `until`, or revoked. */
  async retireOlderThan(applicationId: string, version: number, until: Date | null): Promise<void> {
    const filter = { applicationId, version: { $lt: version }, status: 'current' };
    const update = until
      ? { $set: { status: 'retiring', retiringUntil: until } }
      : { $set: { status: 'revoked', revokedAt: new Date(), retiringUntil: null } };
    await this.model.updateMany(filter, update).exec();
  }

  /** Idempotent: a revoked version stays revoked with its first revocation time. */
  async revoke(applicationId: string, version: number, at: Date): Promise<void> {
    await this.model
      .updateOne(
        { _id: cryptoKeyId(applicationId, version), status: { $ne: 'revoked' } },
        { $set: { status: 'revoked', revokedAt: at, retiringUntil: null } },
      )
      .exec();
  }

  async find(applicationId: string, version: number): Promise<CryptoKey | null> {
    return this.model.findById(cryptoKeyId(applicationId, version)).lean().exec();
  }

  async findCurrent(applicationId: string): Promise<CryptoKey | null> {
    return this.model.findOne({ applicationId, status: 'current' }).sort({ version: -1 }).lean().exec();
  }

  async list(applicationId: string): Promise<CryptoKey[]> {
    return this.model.find({ applicationId }).sort({ version: -1 }).lean().exec();
  }

  async deleteAll(applicationId: string): Promise<number> {
    return (await this.model.deleteMany({ applicationId }).exec()).deletedCount;
  }
}
