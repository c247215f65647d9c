import { Webhook } from 'standardwebhooks';
import { WebhookDeliveriesRepository } from '../../libs/persistence/repositories/webhook-deliveries.repository';
import { WebhooksRepository } from '../../libs/persistence/repositories/webhooks.repository';
import { WebhookHealth } from '../../libs/webhooks/webhook-health';
import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import {
  addWebhook,
  afterWebhookCacheBound,
  finishedDelivery,
  sendEvent,
  tenantWithApplication,
  WEBHOOK_CACHE_BOUND_MS,
} from '../support/webhooks';

/**
 * The worker reads webhooks, applications and secrets through a cache (WEBHOOK_CACHE_TTL_MS): a
 * change reaches attempts within that bound, whatever the worker had cached just before.
 */
describe('webhook changes reach attempts within WEBHOOK_CACHE_TTL_MS', () => {
  const stack = useStack({ worker: { WEBHOOK_CACHE_TTL_MS: String(WEBHOOK_CACHE_BOUND_MS) } });
  const { receivers } = stack;

  it('a new URL, a rotated secret, then a disable, each with the webhook cached just before', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const [first, second] = await Promise.all([receivers.start(), receivers.start()]);
    const webhook = await addWebhook(as, app.id, { url: first.url });
    const delivered = async (eventId: string) =>
      (await finishedDelivery(as, app.id, eventId, webhook.id)).status as string;

    // Cached: the worker has just read the webhook for this delivery.
    expect(await delivered(await sendEvent(as, app.id))).toBe('succeeded');
    expect(first.requests).toHaveLength(1);

    const patched = await as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, {
      url: second.url,
      retryPolicy: { schedule: ['PT2S'] },
    });
    expect(patched.status).toBe(200);
    const rotated = await as.post(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret/rotate`, {});
    expect(rotated.status).toBe(200);
    await afterWebhookCacheBound();
    const afterChange = await sendEvent(as, app.id);
    expect(await delivered(afterChange)).toBe('succeeded');
    expect(first.requests).toHaveLength(1);
    const [received] = second.requests;
    expect(received.headers['webhook-id']).toBe(afterChange);
    // Signed with the new secret (the old one still signs too, during the overlap).
    expect(() =>
      new Webhook(rotated.body.secret).verify(received.body, received.headers as Record<string, string>),
    ).not.toThrow();

    // A delivery waiting for its retry (2 s, past the bound) when the webhook is disabled: the retry
    // finds it disabled, though the worker read it enabled for the first attempt.
    second.answer({ status: 500 });
    const pending = await sendEvent(as, app.id);
    await pollUntil(
      async () => second.requests.length,
      (n) => n === 2,
    );
    const disabled = await as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(await delivered(pending)).toBe('cancelled');
    expect(second.requests).toHaveLength(2);
  });
});

/**
 * The disable rule with webhooks read through the cache: a success handled with a snapshot taken
 * before a failure (another attempt in flight, another worker) does not clear the failing; so before
 * disabling, the rule looks for a success since the failing began, and starts the failing afresh.
 */
describe('webhook health with a stale webhook', () => {
  const stack = useStack({ worker: { WEBHOOK_ENDPOINT_DISABLE_AFTER: '1s' } });

  it('does not disable a webhook that succeeded since it began failing; disables it once every attempt since failed', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const worker = stack.worker;
    const { id } = await addWebhook(as, app.id, { url: 'https://receiver.example/hook' });
    const webhooks = worker.get(WebhooksRepository);
    const health = worker.get(WebhookHealth);
    const stale = (await webhooks.findById(id))!;
    const t0 = new Date();
    const at = (ms: number) => new Date(t0.getTime() + ms);

    expect(await health.failed(stale, 500, t0, 'a1')).toBe(false);
    // A success handled with the snapshot from before the failure: no write clears the failing.
    await worker.get(WebhookDeliveriesRepository).openWithAttempt(
      { eventId: 'evt_stale', eventType: 'APPLICANT_COMPLETED', applicationId: app.id },
      id,
      {
        series: 1,
        attempt: 1,
        scheduledAt: at(500),
        startedAt: at(500),
        durationMs: 5,
        statusCode: 200,
        responseBody: 'ok',
        error: null,
        succeeded: true,
      },
      'succeeded',
    );
    await health.succeeded(stale, at(500));
    expect((await webhooks.findById(id))!.failingSince).toEqual(t0);

    // Past the 1 s the rule allows, but a success came since: not disabled, failing again from now.
    expect(await health.failed(stale, 500, at(2_000), 'a2')).toBe(false);
    expect(await webhooks.findById(id)).toMatchObject({ enabled: true, failingSince: at(2_000) });

    // Every attempt since has failed, for longer than 1 s: disabled.
    expect(await health.failed(stale, 500, at(3_500), 'a3')).toBe(true);
    expect(await webhooks.findById(id)).toMatchObject({ enabled: false });
  });
});
