import { TestWorkflowEnvironment } from '@temporalio/testing';
import { RETRY_JITTER } from '../../libs/domain/retry-policy';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { webhookDeliveryV2 } from '../../workflows';
import { useStack } from '../support/stack';
import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { addWebhook, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * The default retry schedule on the time-skipping server: a receiver failing three times then
 * succeeding gets four attempts, at 0, 5 s, 5 min and 30 min later, each wait jittered by up to
 * ±10 % (about 35 minutes of workflow time in a second or two).
 */
describe('webhook retry schedule (time-skipping)', () => {
  const stack = useStack({ timeSkipping: true });
  let env: TestWorkflowEnvironment;
  let receiver: Receiver;

  beforeAll(async () => {
    env = stack.timeSkipping;
    receiver = await stack.receivers.start();
  });

  it('makes four attempts at the scheduled times and records each once', async () => {
    const client = stack.client;
    const { app, as } = await tenantWithApplication(client);
    receiver.answer({ status: 500, body: 'down' }, { status: 502 }, { status: 500 }, { status: 200 });
    const webhook = await addWebhook(as, app.id, { url: receiver.url });
    const eventId = await sendEvent(as, app.id);

    const handle = env.client.workflow.getHandle(WorkflowIds.webhookDelivery(eventId, webhook.id));
    await pollUntil(
      () =>
        handle.describe().then(
          () => true,
          () => false,
        ),
      (started) => started,
    );
    const state = await handle.result(); // the time-skipping client fast-forwards the timers
    expect(state).toMatchObject({ status: 'succeeded', attempts: 4 });

    const delivery = await as
      .get(`/v1/applications/${app.id}/deliveries/${eventId}:${webhook.id}`)
      .expect(200);
    expect(delivery.body).toMatchObject({ status: 'succeeded', attemptCount: 4 });
    const times = delivery.body.attempts.map((a: { scheduledAt: string }) => Date.parse(a.scheduledAt));
    const gaps = times.slice(1).map((t: number, i: number) => t - times[i]);
    // Each wait is the scheduled one moved by its jitter, at most ±10 % (plus the attempt's own time).
    const expected = [5_000, 300_000, 1_800_000];
    gaps.forEach((gap: number, i: number) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i] * (1 - RETRY_JITTER));
      expect(gap).toBeLessThan(expected[i] * (1 + RETRY_JITTER) + 2_000);
    });
    expect(gaps).not.toEqual(expected);
    expect(delivery.body.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([
      500, 502, 500, 200,
    ]);
    expect(receiver.requests).toHaveLength(4);
    // The same workflow type, so the schedule above is the delivery workflow's own.
    expect((await handle.describe()).type).toBe(webhookDeliveryV2.name);
  });
});
