import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ensureIndexes } from '../ensure-indexes';
import { ConsoleSession, PortalLink } from '../schemas/console-session.schema';

/** Console sessions and portal links, by the SHA-256 of what the browser holds. */
@Injectable()
export class ConsoleSessionsRepository implements OnModuleInit {
  constructor(
    @InjectModel(ConsoleSession.name) private readonly sessions: Model<ConsoleSession>,
    @InjectModel(PortalLink.name) private readonly links: Model<PortalLink>,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.sessions);
    await ensureIndexes(this.links);
  }

  async create(session: ConsoleSession): Promise<void> {
    await this.sessions.create(session);
    // Expired ones are never read again: clearing them here keeps the collection small without a
    // TTL index (which FerretDB does not have).
    await this.sessions.deleteMany({ expiresAt: { $lt: session.createdAt } }).exec();
  }

  /** The session, when it exists and has not expired. */
  async findActive(idHash: string, now = new Date()): Promise<ConsoleSession | null> {
    return this.sessions
      .findOne({ _id: { $eq: idHash }, expiresAt: { $gt: now } })
      .lean()
      .exec();
  }

  async revoke(idHash: string): Promise<void> {
    await this.sessions.deleteOne({ _id: { $eq: idHash } }).exec();
  }

  /** Every session of the workspace ends (its API token was rotated). */
  async revokeWorkspace(workspaceId: string): Promise<void> {
    await this.sessions.deleteMany({ workspaceId }).exec();
    await this.links.deleteMany({ workspaceId }).exec();
  }

  async createLink(link: PortalLink): Promise<void> {
    await this.links.create(link);
    await this.links.deleteMany({ expiresAt: { $lt: link.createdAt } }).exec();
  }

  /**
   * Uses the link up: the first caller gets it, any other (at once or later) null. Deleting it by
   * `_id` is what decides: both MongoDB and FerretDB count a document deleted once, where a
   * conditional update can let two callers through on FerretDB v1 (see ClaimsRepository).
   */
  async redeemLink(codeHash: string, now = new Date()): Promise<PortalLink | null> {
    const link = await this.links
      .findOne({ _id: { $eq: codeHash }, redeemedAt: null, expiresAt: { $gt: now } })
      .lean()
      .exec();
    if (!link) return null;
    const { deletedCount } = await this.links.deleteOne({ _id: { $eq: codeHash } }).exec();
    return deletedCount === 1 ? link : null;
  }
}
