import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model } from 'mongoose';
import type {
  ApplicationMode,
  ApplicationStatus,
  ProvisionApplicationInput,
} from '../../domain/applications';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { KeysetPage, keysetPage, PagePosition } from '../keyset-page';
import { Application, CryptoKeyRotationSettings } from '../schemas/application.schema';

export class NameTakenError extends Error {
  override name = 'NameTakenError';
  constructor(readonly applicationName: string) {
    super(`An application named "${applicationName}" already exists in this workspace`);
  }
}

/** Names are unique in a workspace ignoring case and surrounding space. */
export const nameKeyOf = (name: string) => name.trim().toLowerCase();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type ApplicationChanges = Partial<
  Pick<
    Application,
    | 'name'
    | 'description'
    | 'redirectUrl'
    | 'encryptionMethod'
    | 'cryptoKeyRotation'
    | 'encryptWebhooks'
    | 'retention'
  >
>;

/** The record of an application as provisioning starts: what the API accepted, keys still to come. */
export function newApplicationRecord(
  input: ProvisionApplicationInput,
): Omit<Application, 'createdAt' | 'updatedAt'> {
  return {
    _id: input.applicationId,
    workspaceId: input.workspaceId,
    name: input.name,
    nameKey: nameKeyOf(input.name),
    description: input.description,
    redirectUrl: input.redirectUrl,
    encryptionMethod: input.encryptionMethod,
    mode: input.mode,
    status: 'provisioning',
    cryptoKeyRotation: input.cryptoKeyRotation,
    encryptWebhooks: input.encryptWebhooks,
    retention: input.retention ?? null,
    currentCryptoKeyVersion: null,
  };
}

@Injectable()
export class ApplicationsRepository implements OnModuleInit {
  constructor(@InjectModel(Application.name) private readonly model: Model<Application>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Records a new application as `provisioning`. Idempotent on its ID (a retried activity is a
   * no-op); NameTakenError when another application of the workspace has the name.
   */
  async insertProvisioning(input: ProvisionApplicationInput): Promise<void> {
    try {
      await this.model.create(newApplicationRecord(input));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (await this.model.exists({ _id: input.applicationId })) return;
      throw new NameTakenError(input.name);
    }
  }

  /** Every application's ID after this one, in order, a page at a time. */
  async idsAfter(afterId: string, limit: number): Promise<string[]> {
    const page = await this.model
      .find({ _id: { $gt: afterId } }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean()
      .exec();
    return page.map((a) => a._id);
  }

  async findById(id: string): Promise<Application | null> {
    return this.model.findById(id).lean().exec();
  }

  /** The workspace's application, or null: another workspace's is as good as absent. */
  async findInWorkspace(workspaceId: string, id: string): Promise<Application | null> {
    return this.model.findOne({ _id: id, workspaceId }).lean().exec();
  }

  async nameTaken(workspaceId: string, name: string, exceptId?: string): Promise<boolean> {
    const filter: FilterQuery<Application> = { workspaceId, nameKey: nameKeyOf(name) };
    if (exceptId) filter._id = { $ne: exceptId };
    return (await this.model.exists(filter)) !== null;
  }

  /** Newest first, `limit` at a time. */
  async list(
    workspaceId: string,
    options: { mode?: ApplicationMode; search?: string; after?: PagePosition; limit: number },
  ): Promise<KeysetPage<Application>> {
    const filter: FilterQuery<Application> = { workspaceId };
    if (options.mode) filter.mode = options.mode;
    // nameKey is the name in lower case: a literal, case-insensitive "contains".
    if (options.search) filter.nameKey = { $regex: escapeRegExp(nameKeyOf(options.search)) };
    return keysetPage(this.model, filter, 'createdAt', options);
  }

  /** Applies changes to the workspace's application; null when absent; NameTakenError on a clash. */
  async update(workspaceId: string, id: string, changes: ApplicationChanges): Promise<Application | null> {
    const set: Record<string, unknown> = { ...changes };
    if (changes.name !== undefined) set.nameKey = nameKeyOf(changes.name);
    try {
      return await this.model
        .findOneAndUpdate({ _id: id, workspaceId, status: { $ne: 'deleting' } }, { $set: set }, { new: true })
        .lean()
        .exec();
    } catch (err) {
      if (isDuplicateKey(err)) throw new NameTakenError(changes.name ?? '');
      throw err;
    }
  }

  async setStatus(id: string, status: ApplicationStatus): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status } }).exec();
  }

  async setCurrentCryptoKeyVersion(id: string, version: number): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { currentCryptoKeyVersion: version } }).exec();
  }

  async setCryptoKeyRotation(id: string, settings: CryptoKeyRotationSettings | null): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { cryptoKeyRotation: settings } }).exec();
  }

  async delete(id: string): Promise<void> {
    await this.model.deleteOne({ _id: id }).exec();
  }
}
