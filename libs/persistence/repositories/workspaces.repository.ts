import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { generateToken, tokenHash } from '../../auth/tokens';
import { resourceId } from '../../crypto/resource-ids';
import { ensureIndexes } from '../ensure-indexes';
import { Workspace } from '../schemas/workspace.schema';

export interface ApiTokenReplacement {
  apiTokenHash: string;
  apiTokenIssuedAt: Date;
}

export interface IssuedWorkspace {
  workspace: Workspace;
  /** Shown once, at creation or rotation; only its hash is stored. */
  apiToken: string;
}

@Injectable()
export class WorkspacesRepository implements OnModuleInit {
  constructor(@InjectModel(Workspace.name) private readonly model: Model<Workspace>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async create(name: string): Promise<IssuedWorkspace> {
    const apiToken = generateToken('wst');
    const workspace = await this.model.create({
      _id: resourceId('ws'),
      name,
      apiTokenHash: tokenHash(apiToken),
      apiTokenIssuedAt: new Date(),
    });
    return { workspace: workspace.toObject(), apiToken };
  }

  async list(): Promise<Workspace[]> {
    return this.model.find().sort({ createdAt: 1 }).lean().exec();
  }

  async findById(id: string): Promise<Workspace | null> {
    return this.model.findById(id).lean().exec();
  }

  async findByApiToken(apiToken: string): Promise<Workspace | null> {
    return this.model
      .findOne({ apiTokenHash: tokenHash(apiToken) })
      .lean()
      .exec();
  }

  /**
   * Puts `replacement` in place of the token whose hash is `previousHash` (nothing when it was
   * replaced already); the workspace as it is then, or null when there is no such workspace.
   */
  async replaceApiToken(
    id: string,
    previousHash: string,
    replacement: ApiTokenReplacement,
  ): Promise<Workspace | null> {
    await this.model.updateOne({ _id: id, apiTokenHash: previousHash }, { $set: replacement }).exec();
    return this.findById(id);
  }
}
