import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * The database goes away while a delivery waits for its next attempt: that attempt's activity
 * fails and Temporal retries it until the database is back. No attempt is lost, none invented.
 */
describe('database outage during a delivery', () => {
  // A database server of this file's own: stopping it disturbs no other test file.
  const stack = useStack({ ownStore: true });

  it('completes the delivery once the database is back, with every attempt recorded once', async () => {
    const receiver = await stack.receivers.start();
    const { app, as } = await tenantWithApplication(stack.client);
    receiver.answer({ status: 500, body: 'first' }, { status: 200 });
    const webhook = await addWebhook(as, app.id, {
      url: receiver.url,
      retryPolicy: { schedule: ['PT2S'] },
    });
    const eventId = await sendEvent(as, app.id);
    await pollUntil(
      async () => receiver.requests.length,
      (n) => n === 1,
    );

    await stack.store.stop();
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // the second attempt falls due meanwhile
    expect(receiver.requests).toHaveLength(1);
    await stack.store.restart();

    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(
      delivery.attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode]),
    ).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(receiver.requests).toHaveLength(2);
  });
});
