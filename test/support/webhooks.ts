import type { ApiClient } from './api-client';
import type { Receiver } from './receiver';
import { pollUntil } from './poll';

/** A workspace with one provisioned application, as the webhook tests need. */
export async function tenantWithApplication(client: ApiClient, body: Record<string, unknown> = {}) {
  const workspace = await client.createWorkspace();
  const app = await client.createApplication(workspace.apiToken, body);
  return { workspace, app, as: client.as(workspace.apiToken) };
}

export async function addWebhook(
  as: ReturnType<ApiClient['as']>,
  appId: string,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const res = await as.post(`/v1/applications/${appId}/webhooks`, { name: 'receiver', ...body });
  if (res.status !== 201) throw new Error(`webhook not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function sendEvent(
  as: ReturnType<ApiClient['as']>,
  appId: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await as.post(`/v1/applications/${appId}/events`, {
    eventType: 'APPLICANT_COMPLETED',
    data: { applicantId: 'appl_1' },
    ...body,
  });
  if (res.status !== 202) throw new Error(`event not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.eventId;
}

/** Waits until the delivery of an event to a webhook has finished, and returns it with its attempts. */
export async function finishedDelivery(
  as: ReturnType<ApiClient['as']>,
  appId: string,
  eventId: string,
  webhookId: string,
) {
  const res = await pollUntil(
    () => as.get(`/v1/applications/${appId}/deliveries/${eventId}:${webhookId}`),
    (r) => r.status === 200 && r.body.status !== 'pending',
    { timeoutMs: 45_000 },
  );
  return res.body;
}

/**
 * A delivery left pending: the receiver failed the first attempt, and the next waits an hour.
 * For what must stop pending deliveries (deleting a webhook or an application).
 */
export async function pendingDelivery(
  as: ReturnType<ApiClient['as']>,
  appId: string,
  target: Receiver,
): Promise<{ webhook: { id: string; secret: string }; eventId: string }> {
  target.answer({ status: 500 });
  const webhook = await addWebhook(as, appId, { url: target.url, retryPolicy: { schedule: ['PT1H'] } });
  const eventId = await sendEvent(as, appId);
  await pollUntil(
    async () => target.requests.length,
    (n) => n === 1,
  );
  return { webhook, eventId };
}

/** WEBHOOK_CACHE_TTL_MS's default: how long the worker may act on a webhook as it was before a change. */
export const WEBHOOK_CACHE_BOUND_MS = 1_000;

/** Waits until a change to a webhook (its secrets, its application) has reached every attempt. */
export const afterWebhookCacheBound = () =>
  new Promise((resolve) => setTimeout(resolve, WEBHOOK_CACHE_BOUND_MS + 200));

/**
 * Every failed delivery of an application as `eventId:webhookId`, every page. A page that does not
 * come (the API restarting in a fault test) ends the walk: the caller polls again.
 */
export async function failedDeliveryKeys(
  as: ReturnType<ApiClient['as']>,
  appId: string,
): Promise<Set<string>> {
  const failed = new Set<string>();
  let cursor: string | null = null;
  do {
    const res: {
      body?: { items?: { eventId: string; webhookId: string }[]; nextCursor?: string | null };
    } | null = await as
      .get(
        `/v1/applications/${appId}/webhooks/failed-deliveries?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      )
      .catch(() => null);
    for (const item of res?.body?.items ?? []) failed.add(`${item.eventId}:${item.webhookId}`);
    cursor = res?.body?.nextCursor ?? null;
  } while (cursor);
  return failed;
}
