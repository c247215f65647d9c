import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import {
  periodMs,
  RateLimit,
  SLOT_MARGIN_MS,
  SLOT_SEND_WITHIN_MS,
  slotTime,
  Turn,
  turnHasCome,
} from '../domain/rate-limit';
import { SlotLine, WebhookTurnsRepository } from '../persistence/repositories/webhook-turns.repository';

/** Slots taken in a row by deliveries of other workers before one gives up (then its activity retries). */
const MAX_TRIES = 200;
/** Every this many slots, the line's slots of the past are forgotten. */
const FORGET_EVERY = 100;
/**
 * Slots kept behind the end of a line however old, so that a process starting from a head hint
 * that lags (by a few HEAD_EVERY at most) finds them taken and never takes an old n again. (Slots
 * within a window of now are kept anyway: they space the ones to come.)
 */
const KEEP_BEHIND = 1_000;
/** Every this many slots, the head hint moves (so other processes start looking near the end). */
const HEAD_EVERY = 8;
/** A process's idea of where a line ends is read again from the head after this. */
const LINE_FRESH_MS = 2_000;
/** Lines this process remembers. */
const LINES_REMEMBERED = 10_000;

/** Go now, or wait for this turn (then ask again with it). */
export type TurnDecision = { go: true } | { go: false; turn: Turn };

/** Where a line ends, as this process last saw it, and when the slots it took or read go. */
interface Line {
  last: number;
  checkedAt: number;
  times: Map<number, number>;
}

/**
 * A webhook's rate limit, kept across every worker process, with two lines of slots per webhook
 * in MongoDB, each slot taken by insert (one delivery gets each) and timed by `slotTime`:
 *
 * - `sent`: the requests themselves. A request takes the next slot at the moment it is sent, and
 *   only if no window of the limit would then hold more than its count; this alone is the limit.
 * - `turn`: the queue of deliveries waiting, so that they wake one after another at the pace of
 *   the limit instead of all at once. A delivery whose turn is to come waits for it on its
 *   workflow's timer (no worker slot held, no attempt spent); one whose turn has come (late
 *   included) takes its `sent` slot, or waits again the few milliseconds until one is free.
 */
@Injectable()
export class RateLimiter {
  /**
   * Per line, this process's takes one after another: a burst of deliveries in one process would
   * otherwise all race for the same next slot, each losing to all before it (a burst of 100 cost
   * thousands of inserts). Processes still race each other, which costs a retry now and then.
   */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly lines = new LRUCache<string, Line>({ max: LINES_REMEMBERED });

  constructor(private readonly slots: WebhookTurnsRepository) {}

  /** Whether the webhook's next request may go now, else the turn to wait for. */
  async turn(webhook: { _id: string; rateLimit: RateLimit }, held?: Turn): Promise<TurnDecision> {
    const { _id: webhookId, rateLimit: limit } = webhook;
    if (held && !turnHasCome(held, Date.now())) return { go: false, turn: held };
    const turn = held ?? (await this.take(webhookId, 'turn', limit));
    if (!turnHasCome(turn, Date.now())) return { go: false, turn };
    const sent = await this.take(webhookId, 'sent', limit, { onlyNow: true });
    const now = Date.now();
    if (!turnHasCome(sent, now)) return { go: false, turn: { n: turn.n, at: sent.at } };
    // Taking the slot took too long (a stalled process): the request would leave out of step.
    if (now - Date.parse(sent.at) > SLOT_SEND_WITHIN_MS)
      return { go: false, turn: { n: turn.n, at: new Date(now).toISOString() } };
    return { go: true };
  }

  /** How many of the webhook's deliveries wait for their turn now. */
  waiting(webhookId: string): Promise<number> {
    return this.slots.waiting(webhookId, new Date());
  }

  /** Forgets the slots of webhooks deleted. */
  forget(webhookIds: string[]): Promise<void> {
    return this.slots.deleteForWebhooks(webhookIds);
  }

  /**
   * Takes the line's next slot, at the time `slotTime` gives it. `onlyNow`: only a slot usable now
   * is taken; when none is, what is returned says when one will be (nothing taken).
   */
  private take(webhookId: string, kind: SlotLine, limit: RateLimit, { onlyNow = false } = {}): Promise<Turn> {
    const key = `${webhookId}:${kind}`;
    return this.inLine(key, async () => {
      const line = this.lineOf(key);
      if (Date.now() - line.checkedAt > LINE_FRESH_MS)
        line.last = Math.max(line.last, await this.slots.head(webhookId, kind));
      for (let tries = 0, n = line.last + 1; tries < MAX_TRIES; tries++, n++) {
        const [previous, countBefore] = await this.timesOf(webhookId, kind, line, [n - 1, n - limit.count]);
        const now = Date.now();
        const at = slotTime(limit, now, onlyNow ? null : previous, countBefore);
        const turn = { n, at: new Date(at).toISOString() };
        if (onlyNow && !turnHasCome(turn, now)) return turn;
        const taken = await this.slots.take(webhookId, kind, n, new Date(at));
        line.last = n;
        line.checkedAt = Date.now();
        if (!taken) continue;
        line.times.set(n, at);
        line.times.delete(n - limit.count - 1);
        if (n % HEAD_EVERY === 0) await this.slots.advanceHead(webhookId, kind, n);
        if (n % FORGET_EVERY === 0)
          await this.slots.forget(webhookId, kind, {
            before: new Date(now - periodMs(limit) - SLOT_MARGIN_MS),
            belowN: n - KEEP_BEHIND,
          });
        return turn;
      }
      throw new Error(`No ${kind} slot free for webhook ${webhookId} after ${MAX_TRIES} tries`);
    });
  }

  /** Runs `step` after this process's steps before it on the same line. */
  private inLine<T>(key: string, step: () => Promise<T>): Promise<T> {
    const mine = (this.queues.get(key) ?? Promise.resolve()).then(step, step);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return mine;
  }

  private lineOf(key: string): Line {
    let line = this.lines.get(key);
    if (!line) {
      line = { last: 0, checkedAt: 0, times: new Map() };
      this.lines.set(key, line);
    }
    return line;
  }

  /** When slots go, from what this process took, else read (null: not taken, or forgotten). */
  private async timesOf(
    webhookId: string,
    kind: SlotLine,
    line: Line,
    ns: number[],
  ): Promise<(number | null)[]> {
    const unknown = ns.filter((n) => n >= 1 && !line.times.has(n));
    const read = unknown.length > 0 ? await this.slots.times(webhookId, kind, unknown) : [];
    read.forEach((at, i) => at !== null && line.times.set(unknown[i], at));
    return ns.map((n) => (n < 1 ? null : (line.times.get(n) ?? null)));
  }
}
