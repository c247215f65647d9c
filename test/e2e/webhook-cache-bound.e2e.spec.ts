import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Webhook } from 'standardwebhooks';
import { ApiClient } from '../support/api-client';
import { dropDatabase, startApi, startWorker } from '../support/app';
import { pollUntil } from '../support/poll';
import { Receivers } from '../support/receiver';
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
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let client: ApiClient;
  const receivers = new Receivers();

  beforeAll(async () => {
    [api, worker] = await Promise.all([
      startApi(),
      startWorker({ WEBHOOK_CACHE_TTL_MS: String(WEBHOOK_CACHE_BOUND_MS) }),
    ]);
    client = new ApiClient(api);
  });

  afterAll(async () => {
    await receivers.stopAll();
    await dropDatabase(api);
    await Promise.all([api?.close(), worker?.close()]);
  });

  it('a new URL, a rotated secret, then a disable, each with the webhook cached just before', async () => {
    const { app, as } = await tenantWithApplication(client);
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
