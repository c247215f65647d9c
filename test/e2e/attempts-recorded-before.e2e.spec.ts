import { ApiClient } from '../support/api-client';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

/**
 * Attempts are recorded in their delivery's document. Deliveries from before kept theirs in
 * `webhook_attempts`: the API shows those beside the new ones, in order, and nothing is lost.
 */
describe('attempts recorded before they moved into their delivery', () => {
  const stack = useStack();
  const { receivers } = stack;

  it('are shown with the delivery, before the attempts of its retry', async () => {
    const db = stack.db();
    const { app, as } = await tenantWithApplication(new ApiClient(stack.api));
    const target = (await receivers.start()).answer({ status: 200 });
    const webhook = await addWebhook(as, app.id, { url: target.url, retryPolicy: { maximumAttempts: 1 } });
    const eventId = await sendEvent(as, app.id);
    const deliveryId = `${eventId}:${webhook.id}`;
    await finishedDelivery(as, app.id, eventId, webhook.id);

    // The delivery as the version before left it: failed, its attempt a document of its own.
    const at = new Date(Date.now() - 60_000);
    await db.collection('webhook_deliveries').updateOne(
      { _id: deliveryId as never },
      {
        $set: { status: 'failed', lastStatusCode: 500, lastError: 'HTTP 500', lastAttemptAt: at },
        $unset: { attempts: '' },
      },
    );
    await db.collection('webhook_attempts').insertOne({
      _id: `${deliveryId}:1:1` as never,
      deliveryId,
      applicationId: app.id,
      webhookId: webhook.id,
      series: 1,
      attempt: 1,
      scheduledAt: at,
      startedAt: at,
      durationMs: 8,
      statusCode: 500,
      responseBody: 'from before',
      error: 'HTTP 500',
      succeeded: false,
    });
    const before = await as.get(`/v1/applications/${app.id}/deliveries/${deliveryId}`).expect(200);
    expect(before.body.attempts).toEqual([
      expect.objectContaining({ series: 1, attempt: 1, statusCode: 500, responseBody: 'from before' }),
    ]);

    await as.post(`/v1/applications/${app.id}/deliveries/${deliveryId}/retry`).expect(202);
    const retried = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(retried).toMatchObject({ status: 'succeeded', series: 2 });
    expect(
      retried.attempts.map((a: { series: number; attempt: number }) => `${a.series}.${a.attempt}`),
    ).toEqual(['1.1', '2.1']);
    // The new one is in the delivery's document, the old one where it was.
    const stored = await db.collection('webhook_deliveries').findOne({ _id: deliveryId as never });
    expect(stored?.attempts).toEqual([expect.objectContaining({ series: 2, attempt: 1, succeeded: true })]);
  });
});
