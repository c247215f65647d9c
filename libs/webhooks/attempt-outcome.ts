import type { Turn } from '../domain/rate-limit';
import type { AttemptOutcome } from '../domain/webhooks';
import type { AttemptOutcomeLabel } from '../observability/service-metrics';

/** The attempt was not made: its delivery, webhook or application is gone or no longer pending. */
export const SKIPPED: AttemptOutcome = {
  result: 'skipped',
  statusCode: null,
  error: null,
  retryAfterMs: null,
};

/**
 * The attempt was not made yet: it waits for its turn under the webhook's rate limit, in
 * `retryAfterMs` by this process's clock (a workflow's clock stands still during a local activity).
 */
export const waitingFor = (turn: Turn, now = Date.now()): AttemptOutcome => ({
  result: 'waiting',
  statusCode: null,
  error: null,
  retryAfterMs: Math.max(1, Date.parse(turn.at) - now),
  turn,
});

/**
 * What an answer means: a 2xx succeeded; anything else failed, and is `stopped` (no retry) when it
 * disabled the webhook. A receiver's Retry-After (429, 503) travels with a failure.
 */
export function outcomeOf(
  answer: { statusCode: number | null; error: string | null; retryAfterMs: number | null },
  webhookDisabled: boolean,
): AttemptOutcome {
  if (answer.error === null)
    return { result: 'succeeded', statusCode: answer.statusCode, error: null, retryAfterMs: null };
  return {
    result: webhookDisabled ? 'stopped' : 'failed',
    statusCode: answer.statusCode,
    error: answer.error,
    retryAfterMs: answer.retryAfterMs,
  };
}

/** What a recorded attempt came to, for an execution retried after it had recorded it. */
export function recordedOutcome(attempt: {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
}): AttemptOutcome {
  return {
    result: attempt.succeeded ? 'succeeded' : attempt.statusCode === 410 ? 'stopped' : 'failed',
    statusCode: attempt.statusCode,
    error: attempt.error,
    retryAfterMs: null,
  };
}

/** An attempt's outcome as the metrics count it: the receiver's answer, or why there was none. */
export function outcomeLabel(answer: {
  statusCode: number | null;
  error: string | null;
  timedOut: boolean;
}): AttemptOutcomeLabel {
  if (answer.error === null) return 'succeeded';
  if (answer.statusCode === 410) return 'gone';
  if (answer.statusCode === 429) return 'throttled';
  if (answer.statusCode !== null) return 'failed';
  return answer.timedOut ? 'timeout' : 'refused';
}
