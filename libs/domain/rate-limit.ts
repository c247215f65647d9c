/** A webhook's rate limit and the rule that spaces its requests (workflow-safe, pure). */

export const RATE_LIMIT_PERIODS = ['second', 'minute'] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];

/** At most `count` requests to the receiver in any window of one `per`. */
export interface RateLimit {
  count: number;
  per: RateLimitPeriod;
}

export const MAX_RATE_LIMIT_COUNT = 100_000;

const PERIOD_MS: Record<RateLimitPeriod, number> = { second: 1_000, minute: 60_000 };
export const periodMs = (limit: RateLimit): number => PERIOD_MS[limit.per];

/**
 * What is added to the window between a request and the one `count` before it: how much the time
 * from taking a slot to the request's arrival may differ between two requests (the worker's load,
 * the network) and the clocks of different workers, so that the receiver — by its own clock —
 * never sees more than `count` in a window. 100 ms was measured too little on a loaded 2-core
 * machine (a receiver saw 6 in 998 ms once in a few runs); with 200 the tightest six measured
 * 1,167 ms under the same load.
 */
export const SLOT_MARGIN_MS = 200;
/**
 * The part of the margin a request may spend between taking its slot and leaving: one that took
 * longer (its process stalled) is not sent in that slot but takes another.
 */
export const SLOT_SEND_WITHIN_MS = 40;

/**
 * When the n-th slot of a line may be used: not before now, not before the slot before it (slots
 * go in order), and a window (plus the margin) after slot n - count. So the slots of one residue
 * modulo `count` form a chain spaced more than a window apart, and any window holds at most one
 * of each: `count` in all.
 */
export function slotTime(
  limit: RateLimit,
  now: number,
  previous: number | null,
  countBefore: number | null,
): number {
  return Math.max(
    now,
    previous ?? 0,
    countBefore === null ? 0 : countBefore + periodMs(limit) + SLOT_MARGIN_MS,
  );
}

/** A delivery's place in its webhook's queue: the n-th turn, due at `at` (ISO 8601). */
export interface Turn {
  n: number;
  at: string;
}

/** How early a turn may be used: the worker's clock and the timer's may differ by a few ms. */
const TURN_EARLY_MS = 20;

/** Whether a turn held has come (a turn comes late when its worker is busy: it is still its turn). */
export const turnHasCome = (turn: Turn, now: number): boolean => Date.parse(turn.at) - now <= TURN_EARLY_MS;

/** The most of these times (ms, in order) that any window of `ms` holds: what a rate limit bounds. */
export function busiestWindow(times: number[], ms: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= ms) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
