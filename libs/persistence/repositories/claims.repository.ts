import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key';
import { ensureIndexes } from '../ensure-indexes';
import { Claim } from '../schemas/claim.schema';

export type ClaimOutcome =
  | { won: true; key: string; holder: string }
  | { won: false; key: string; holder: string; value: Record<string, unknown> | null };

/**
 * One-winner decisions for routes that read, decide and write. An insert under a unique `_id` is
 * the one write that MongoDB and FerretDB v1 both decide atomically: FerretDB v1 applies a
 * conditional update (and findOneAndUpdate, findOneAndDelete) by reading, matching in Go and then
 * overwriting by `_id`, so N such updates at once can all "match" (measured: 3 of 20 won one
 * `{status: 'failed'}` → `pending` switch, and 20 `$inc` left the counter at 1). So a decision
 * is taken by inserting its claim; the losers learn who won and what they decided.
 */
@Injectable()
export class ClaimsRepository implements OnModuleInit {
  constructor(@InjectModel(Claim.name) private readonly model: Model<Claim>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Takes `key` unless someone has. With `staleAfterMs`, a claim older than that whose holder
   * never finished (the caller's own judgment: it only asks for a claim again when the decided
   * work is not done) is taken over by claiming its successor, `key/holder`: an insert too, so
   * one contender takes over. Without it, a claim stands until released.
   */
  async claim(
    key: string,
    options: { value?: Record<string, unknown>; staleAfterMs?: number } = {},
  ): Promise<ClaimOutcome> {
    const holder = randomUUID();
    for (let candidate = key; ;) {
      try {
        await this.model.create({ _id: candidate, holder, at: new Date(), value: options.value ?? null });
        return { won: true, key: candidate, holder };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const existing = await this.model.findById(candidate).lean().exec();
      // Released between our insert and this read: try the same key again.
      if (!existing) continue;
      const stale =
        options.staleAfterMs !== undefined && Date.now() - existing.at.getTime() > options.staleAfterMs;
      if (!stale) return { won: false, key: candidate, holder: existing.holder, value: existing.value };
      candidate = `${candidate}/${existing.holder}`;
    }
  }

  /** Gives a won claim back (its work did not happen), so the decision can be taken again. */
  async release(claim: { key: string; holder: string }): Promise<void> {
    await this.model.deleteOne({ _id: claim.key, holder: claim.holder }).exec();
  }
}
