import { statusAfterAttempt } from '../domain/webhooks';
import { outcomeLabel, outcomeOf, recordedOutcome, SKIPPED } from './attempt-outcome';

const answer = (statusCode: number | null, error: string | null, retryAfterMs: number | null = null) => ({
  statusCode,
  error,
  retryAfterMs,
});

describe('what an attempt comes to', () => {
  it('a 2xx succeeded, whatever else was said', () => {
    expect(outcomeOf(answer(204, null, 5_000), false)).toEqual({
      result: 'succeeded',
      statusCode: 204,
      error: null,
      retryAfterMs: null,
    });
  });

  it('anything else failed, carrying the Retry-After; stopped when it disabled the webhook', () => {
    expect(outcomeOf(answer(429, 'HTTP 429', 60_000), false)).toEqual({
      result: 'failed',
      statusCode: 429,
      error: 'HTTP 429',
      retryAfterMs: 60_000,
    });
    expect(outcomeOf(answer(null, 'connection refused'), true).result).toBe('stopped');
  });

  it('a recorded attempt reads back as it was decided (410 stops)', () => {
    expect(recordedOutcome({ succeeded: true, statusCode: 200, error: null }).result).toBe('succeeded');
    expect(recordedOutcome({ succeeded: false, statusCode: 410, error: 'HTTP 410' }).result).toBe('stopped');
    expect(recordedOutcome({ succeeded: false, statusCode: 500, error: 'HTTP 500' }).result).toBe('failed');
  });
});

describe('where the delivery stands after an attempt', () => {
  const failed = outcomeOf(answer(500, 'HTTP 500'), false);
  it.each([
    ['a success', outcomeOf(answer(200, null), false), false, 'succeeded'],
    ['a failure with retries left', failed, false, 'pending'],
    ['the last failure', failed, true, 'failed'],
    ['a stop', outcomeOf(answer(410, 'HTTP 410'), true), false, 'failed'],
    ['a skipped attempt', SKIPPED, false, 'cancelled'],
  ] as const)('%s: %s', (_, outcome, isLast, status) => {
    expect(statusAfterAttempt(outcome, isLast)).toBe(status);
  });
});

describe('outcomeLabel', () => {
  const result = (statusCode: number | null, error: string | null, timedOut = false) => ({
    statusCode,
    error,
    timedOut,
  });

  it.each([
    [result(200, null), 'succeeded'],
    [result(204, null), 'succeeded'],
    [result(500, 'HTTP 500'), 'failed'],
    [result(400, 'HTTP 400'), 'failed'],
    [result(410, 'HTTP 410'), 'gone'],
    [result(429, 'HTTP 429'), 'throttled'],
    [result(null, 'timeout after 15 s', true), 'timeout'],
    [result(null, 'connection refused'), 'refused'],
    [result(null, 'DNS lookup failed: the host does not resolve'), 'refused'],
  ])('%o counts as %s', (given, label) => {
    expect(outcomeLabel(given)).toBe(label);
  });
});
