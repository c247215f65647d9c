import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { SLOT_LINES, WebhookTurn } from '../schemas/webhook-turn.schema';

export type SlotLine = (typeof SLOT_LINES)[number];

const slotId = (webhookId: string, line: SlotLine, n: number | 'head') => `${webhookId}:${line}:${n}`;

/** The slots of rate-limited webhooks (see the schema): read by `_id`, taken by insert. */
@Injectable()
export class WebhookTurnsRepository implements OnModuleInit {
  constructor(@InjectModel(WebhookTurn.name) private readonly model: Model<WebhookTurn>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /** A recent last slot's n (0 before the first): where to start looking for a free one. */
  async head(webhookId: string, line: SlotLine): Promise<number> {
    return (
      (
        await this.model
          .findById(slotId(webhookId, line, 'head'), { n: 1 })
          .lean()
          .exec()
      )?.n ?? 0
    );
  }

  /** When each of these slots goes (ms since the epoch), null for a slot not taken (or forgotten). */
  async times(webhookId: string, line: SlotLine, ns: number[]): Promise<(number | null)[]> {
    const found = await Promise.all(
      ns.map((n) =>
        this.model
          .findById(slotId(webhookId, line, n), { at: 1 })
          .lean()
          .exec(),
      ),
    );
    return found.map((slot) => slot?.at?.getTime() ?? null);
  }

  /** Takes slot n at `at`; false when another delivery has it. */
  async take(webhookId: string, line: SlotLine, n: number, at: Date): Promise<boolean> {
    try {
      await this.model.collection.insertOne({
        _id: slotId(webhookId, line, n),
        webhookId,
        line,
        n,
        at,
      } as never);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Moves the head hint to n. Two of these at once may leave the smaller (FerretDB v1): it is a hint. */
  async advanceHead(webhookId: string, line: SlotLine, n: number): Promise<void> {
    try {
      await this.model
        .updateOne(
          { _id: slotId(webhookId, line, 'head') },
          { $max: { n }, $setOnInsert: { webhookId, line } },
          { upsert: true },
        )
        .exec();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** How many of the webhook's queued deliveries have their turn still to come. */
  async waiting(webhookId: string, now: Date): Promise<number> {
    return this.model.countDocuments({ webhookId, line: 'turn', at: { $gt: now } }).exec();
  }

  /** Deliveries waiting for their turn, all webhooks together. */
  async allWaiting(now: Date): Promise<number> {
    return this.model.countDocuments({ line: 'turn', at: { $gt: now } }).exec();
  }

  /** Forgets a line's slots that went before `before` and are numbered below `belowN`. */
  async forget(webhookId: string, line: SlotLine, old: { before: Date; belowN: number }): Promise<void> {
    await this.model.deleteMany({ webhookId, line, n: { $lt: old.belowN }, at: { $lt: old.before } }).exec();
  }

  async deleteForWebhooks(webhookIds: string[]): Promise<void> {
    await this.model.deleteMany({ webhookId: { $in: webhookIds } }).exec();
  }
}
