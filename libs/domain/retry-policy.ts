import { formatDuration } from './duration';
import { DEFAULT_RETRY_SCHEDULE_MS } from './webhooks';

const DEFAULT_INITIAL_INTERVAL_MS = 5_000;

/** A retry policy as clients give it: an explicit schedule, or exponential backoff. */
export interface RetryPolicySpec {
  /** Delays before each retry (ms), e.g. [5000, 300000]. */
  scheduleMs?: number[];
  initialIntervalMs?: number;
  backoffCoefficient?: number;
  maximumIntervalMs?: number;
  /** Attempts in all, the first included. */
  maximumAttempts?: number;
}

export const RETRY_BOUNDS = {
  maxAttempts: 20,
  minDelayMs: 1_000,
  maxDelayMs: 24 * 3_600_000,
  /** Attempts stop after this long in all. */
  maxTotalMs: 7 * 24 * 3_600_000,
} as const;

/** The delays between attempts that a policy means; the default schedule when none is given. */
export function retrySchedule(policy: RetryPolicySpec | null | undefined): number[] {
  if (!policy) return [...DEFAULT_RETRY_SCHEDULE_MS];
  if (policy.scheduleMs) return [...policy.scheduleMs];
  const attempts = policy.maximumAttempts ?? 8;
  const initial = policy.initialIntervalMs ?? DEFAULT_INITIAL_INTERVAL_MS;
  const coefficient = policy.backoffCoefficient ?? 2;
  const maximum = policy.maximumIntervalMs ?? RETRY_BOUNDS.maxDelayMs;
  return Array.from({ length: attempts - 1 }, (_, i) =>
    Math.min(Math.round(initial * coefficient ** i), maximum),
  );
}

/** How far a retry may move from its scheduled delay, either way: 10 %. */
export const RETRY_JITTER = 0.1;

/**
 * A retry delay moved by up to ±10 % (Standard Webhooks asks for jitter), so receivers that failed
 * together are not retried all at once. `random` is in [0, 1): the workflow's deterministic one.
 */
export function jittered(delayMs: number, random: number): number {
  return Math.round(delayMs * (1 + RETRY_JITTER * (2 * random - 1)));
}

/** What is wrong with a policy, or undefined. */
export function retryPolicyProblem(policy: RetryPolicySpec): string | undefined {
  if (
    policy.scheduleMs &&
    (policy.initialIntervalMs ??
      policy.backoffCoefficient ??
      policy.maximumIntervalMs ??
      policy.maximumAttempts) !== undefined
  ) {
    return 'retryPolicy takes either schedule or initialInterval/backoffCoefficient/maximumInterval/maximumAttempts, not both';
  }
  const initialMs = policy.initialIntervalMs ?? DEFAULT_INITIAL_INTERVAL_MS;
  if (policy.maximumIntervalMs !== undefined && policy.maximumIntervalMs < initialMs) {
    // It caps every delay: below the first one it would quietly make them all equal to it.
    return `retryPolicy.maximumInterval: must be at least initialInterval (${formatDuration(initialMs)}${policy.initialIntervalMs === undefined ? ', the default' : ''}), not ${formatDuration(policy.maximumIntervalMs)}`;
  }
  const delays = retrySchedule(policy);
  if (delays.length + 1 > RETRY_BOUNDS.maxAttempts)
    return `retryPolicy allows at most ${RETRY_BOUNDS.maxAttempts} attempts`;
  if (delays.some((d) => d < RETRY_BOUNDS.minDelayMs || d > RETRY_BOUNDS.maxDelayMs)) {
    return 'retryPolicy delays must each be from 1 second to 24 hours';
  }
  if (delays.reduce((a, b) => a + b, 0) > RETRY_BOUNDS.maxTotalMs)
    return 'retryPolicy must end within 7 days in all';
  return undefined;
}
