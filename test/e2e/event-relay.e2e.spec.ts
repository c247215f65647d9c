import { randomBytes } from 'node:crypto';
import { MasterKeyring } from '../../libs/crypto/master-keyring';
import { WebhooksRepository } from '../../libs/persistence/repositories/webhooks.repository';
import { deliveryInput } from '../../libs/webhooks/delivery-input';
import { sealEventData } from '../../libs/webhooks/event-data';
import { EventRelay } from '../../libs/webhooks/event-relay';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import {
  addWebhook,
  eventLeftPending,
  finishedDelivery,
  sendEvent,
  tenantWithApplication,
} from '../support/webhooks';

const RELAY_AFTER_MS = 1_000;

/**
 * The event outbox: an accepted event is recorded pending with the webhooks it goes to before the
 * 202, and marked relayed once its deliveries have started. One left pending by an API that
 * stopped before starting them (killed after its answer: the fault suite does that to a process)
 * is taken over by a sweep, and delivered once.
 */
describe('event outbox and relay', () => {
  const sweeping = { EVENT_RELAY_AFTER_MS: String(RELAY_AFTER_MS), EVENT_RELAY_SWEEP_MS: '300' };
  const stack = useStack({ api: sweeping, worker: sweeping });
  const events = () =>
    stack.db().collection<{ _id: string; relay?: string; relayTo?: string[] }>('webhook_events');

  it('records the event before the 202, and marks it relayed once its deliveries started', async () => {
    const receiver = await stack.receivers.start();
    const { app, as } = await tenantWithApplication(stack.client);
    const webhook = await addWebhook(as, app.id, { url: receiver.url });
    const eventId = await sendEvent(as, app.id);
    expect(await events().findOne({ _id: eventId })).toBeTruthy();
    expect((await finishedDelivery(as, app.id, eventId, webhook.id)).status).toBe('succeeded');
    const relayed = await pollUntil(
      () => events().findOne({ _id: eventId }),
      (event) => event?.relay === undefined,
    );
    expect(relayed).not.toHaveProperty('relayTo');
  });

  it('starts the deliveries of an event whose relay stopped, once, by a sweep', async () => {
    const [first, second] = [await stack.receivers.start(), await stack.receivers.start()];
    const { app, as } = await tenantWithApplication(stack.client);
    const webhooks = [
      await addWebhook(as, app.id, { url: first.url }),
      await addWebhook(as, app.id, { url: second.url }),
    ];
    const eventId = `evt_${randomBytes(12).toString('hex')}`;
    await eventLeftPending(stack.db(), stack.api.get(MasterKeyring), {
      eventId,
      applicationId: app.id,
      webhookIds: webhooks.map((w) => w.id),
      data: { applicantId: 'appl_orphan' },
      ageMs: 2 * RELAY_AFTER_MS,
    });

    for (const webhook of webhooks)
      expect((await finishedDelivery(as, app.id, eventId, webhook.id)).status).toBe('succeeded');
    await pollUntil(
      () => events().findOne({ _id: eventId }),
      (event) => event?.relay === undefined,
    );
    // Several sweeps later (two processes sweep here): still one request each.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const receiver of [first, second]) {
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0].headers['webhook-id']).toBe(eventId);
      expect(JSON.parse(receiver.requests[0].body).data).toEqual({ applicantId: 'appl_orphan' });
    }
  });

  it('a delivery started before the outbox (its input carries the event, not recorded) records the event itself', async () => {
    const receiver = await stack.receivers.start();
    const { app, as } = await tenantWithApplication(stack.client);
    const { id: webhookId } = await addWebhook(as, app.id, { url: receiver.url });
    const eventId = `evt_${randomBytes(12).toString('hex')}`;
    const webhook = (await stack.api.get(WebhooksRepository).findById(webhookId))!;
    const delivery = deliveryInput(
      { _id: `${eventId}:${webhookId}`, eventId, eventType: 'APPLICANT_COMPLETED', applicationId: app.id },
      webhook,
      1,
    );
    const sealedData = sealEventData(stack.api.get(MasterKeyring), eventId, { applicantId: 'appl_before' });
    await stack.api
      .get(EventRelay)
      .startDelivery({ ...delivery, event: { occurredAt: new Date().toISOString(), sealedData } });
    expect((await finishedDelivery(as, app.id, eventId, webhookId)).status).toBe('succeeded');
    expect(await events().findOne({ _id: eventId })).toMatchObject({ applicationId: app.id });
    expect(JSON.parse(receiver.requests[0].body).data).toEqual({ applicantId: 'appl_before' });
  });
});
