import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnvironment } from '../support/time-skipping';

/** The harness later tests of retry schedules and key-rotation timers stand on. */
describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(() => env?.teardown());

  it('starts from the pinned binary and skips a day of server time in moments', async () => {
    const wallStart = Date.now();
    const serverStart = await env.currentTimeMs();
    await env.sleep('1 day');
    const skipped = (await env.currentTimeMs()) - serverStart;
    expect(skipped).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(Date.now() - wallStart).toBeLessThan(10_000);
  });
});
