import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { SubjectKey } from '../schemas/subject-key.schema';

export const subjectKeyIdOf = (applicationId: string, subject: string) => `${applicationId}:${subject}`;

@Injectable()
export class SubjectKeysRepository implements OnModuleInit {
  constructor(@InjectModel(SubjectKey.name) private readonly model: Model<SubjectKey>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async find(applicationId: string, subject: string): Promise<SubjectKey | null> {
    return this.model.findById(subjectKeyIdOf(applicationId, subject)).lean().exec();
  }

  /** Stores a new key, unless one was stored meanwhile: returns the one that stands. */
  async insertOrFind(key: Omit<SubjectKey, '_id'>): Promise<SubjectKey> {
    const record = { _id: subjectKeyIdOf(key.applicationId, key.subject), ...key };
    try {
      await this.model.collection.insertOne({ ...record } as never);
      return record;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.find(key.applicationId, key.subject))!;
    }
  }

  /** Deletes the subject's key; whether there was one. */
  async delete(applicationId: string, subject: string): Promise<boolean> {
    const { deletedCount } = await this.model
      .deleteOne({ _id: subjectKeyIdOf(applicationId, subject) })
      .exec();
    return deletedCount > 0;
  }

  async deleteForApplication(applicationId: string): Promise<void> {
    await this.model.deleteMany({ applicationId }).exec();
  }
}
