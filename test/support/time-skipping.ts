import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../libs/temporal/register-search-attributes';

/**
 * Temporal's time-skipping test server (the pinned binary the global setup installed), for
 * workflows whose timers run hours or days: the server jumps to the next timer when idle. The
 * service's search attributes are registered on it, as the worker does on a real server.
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER is not set: run through the jest global setup');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}
