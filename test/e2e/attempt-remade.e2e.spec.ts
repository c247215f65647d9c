import { randomBytes } from 'node:crypto';
import { WebhookAttemptsRepository } from '../../libs/persistence/repositories/webhook-attempts.repository';
import {
  deliveryIdOf,
  WebhookDeliveriesRepository,
} from '../../libs/persistence/repositories/webhook-deliveries.repository';
import { DeliveryAttempts } from '../../libs/webhooks/delivery-attempts.service';
import { EventIntake } from '../../libs/webhooks/event-intake.service';
import { ApiClient } from '../support/api-client';
import { addWebhook, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

/**
 * An attempt made again by a re-run the workflow could not tell from a first run (a worker killed
 * after the request was recorded, before the workflow saw the result): the request goes out again
 * (same webhook-id, allowed), but the first record stands, and the outcome the workflow gets is the
 * recorded one, so the attempt record, the delivery and the workflow never disagree.
 */
describe('an attempt made again after a crash', () => {
  const stack = useStack();
  const { receivers } = stack;

  it('keeps its first record, and answers the workflow with it', async () => {
    const { app, as } = await tenantWithApplication(new ApiClient(stack.api));
    const target = (await receivers.start()).answer({ status: 500, body: 'first' }, { status: 200 });
    const webhook = await addWebhook(as, app.id, { url: target.url });
    // The event and its delivery as the dispatch records them, without starting its workflow.
    const eventId = `evt_${randomBytes(8).toString('hex')}`;
    const of = { eventId, webhookId: webhook.id, applicationId: app.id };
    await stack.worker.get(EventIntake).record({
      eventId,
      applicationId: app.id,
      eventType: 'APPLICANT_COMPLETED',
      occurredAt: new Date().toISOString(),
      data: { applicantId: 'appl_1' },
    });
    await stack.worker
      .get(WebhookDeliveriesRepository)
      .open({ ...of, eventType: 'APPLICANT_COMPLETED' }, [webhook.id]);
    const request = {
      deliveryId: deliveryIdOf(eventId, webhook.id),
      series: 1,
      attempt: 1,
      scheduledAt: new Date().toISOString(),
      isLast: false,
      of,
    };

    const attempts = stack.worker.get(DeliveryAttempts);
    const first = await attempts.attempt(request, false);
    const again = await attempts.attempt(request, false); // a re-run that cannot know it ran before
    expect(target.requests).toHaveLength(2);
    expect(first).toMatchObject({ result: 'failed', statusCode: 500 });
    expect(again).toEqual(first);
    const delivery = await stack.worker.get(WebhookDeliveriesRepository).findById(request.deliveryId);
    const recorded = await stack.worker.get(WebhookAttemptsRepository).listForDelivery(delivery!);
    expect(recorded).toEqual([expect.objectContaining({ attempt: 1, statusCode: 500, succeeded: false })]);
    expect(delivery).toMatchObject({
      status: 'pending',
      attemptCount: 1,
      lastStatusCode: 500,
    });
  });
});
