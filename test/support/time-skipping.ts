import { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * Temporal's time-skipping test server (the pinned binary the global setup installed), for
 * workflows whose timers run hours or days: the server jumps to the next timer when idle.
 */
export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER is not set: run through the jest global setup');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}
