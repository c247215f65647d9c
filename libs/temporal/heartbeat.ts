import { Context } from '@temporalio/activity';

/**
 * Runs an activity's work while heartbeating every `everyMs`, so that if its worker dies the
 * server notices within the activity's heartbeat timeout (not its whole start-to-close timeout)
 * and retries it elsewhere.
 */
export async function withHeartbeats<T>(work: () => Promise<T>, everyMs = 2_000): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
