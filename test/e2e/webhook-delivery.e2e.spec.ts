import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { Environment } from '../../libs/config/environment';
import { MasterKeyring } from '../../libs/crypto/master-keyring';
import { RETRY_JITTER } from '../../libs/domain/retry-policy';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { sealEventData } from '../../libs/webhooks/event-data';
import { EventIntake } from '../../libs/webhooks/event-intake.service';
import {
  cancelSignal,
  deliveryStateQuery,
  retryNowSignal,
} from '../../libs/temporal/contracts/webhook-delivery.contract';
import { resourceId } from '../../libs/crypto/resource-ids';
import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import {
  addWebhook,
  afterWebhookCacheBound,
  pendingDelivery,
  finishedDelivery,
  sendEvent,
  tenantWithApplication,
} from '../support/webhooks';
import { useStack } from '../support/stack';

/** Events to real receivers on loopback, through the real API, worker, Temporal and FerretDB. */
describe('webhook delivery', () => {
  const stack = useStack({ temporal: true });
  const { receivers } = stack;
  const receiver = () => receivers.start();
  const fast = { schedule: ['PT1S', 'PT1S'] };
  const db = () => stack.db();
  /** The body of the first request a receiver gets, once it has it. */
  const firstNotice = async (watcher: Receiver) => {
    await pollUntil(
      async () => watcher.requests.length,
      (n) => n >= 1,
    );
    return JSON.parse(watcher.requests[0].body) as unknown;
  };

  it('delivers a signed event that an independent Standard Webhooks library verifies, with the custom headers', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, {
      url: target.url,
      headers: [
        { key: 'X-Tenant', value: 'acme' },
        { key: 'Authorization', value: 'Bearer receiver-credential-0001' },
      ],
    });
    const eventId = await sendEvent(as, app.id, { data: { applicantId: 'appl_42', status: 'GREEN' } });
    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 1 });

    const [received] = target.requests;
    expect(received.headers).toMatchObject({
      'x-tenant': 'acme',
      authorization: 'Bearer receiver-credential-0001',
      'content-type': 'application/json',
      'webhook-id': eventId,
      'user-agent': expect.stringMatching(/^applications-webhooks\//),
    });
    const verified = new Webhook(webhook.secret).verify(
      received.body,
      received.headers as Record<string, string>,
    );
    expect(verified).toEqual({
      id: eventId,
      type: 'APPLICANT_COMPLETED',
      timestamp: expect.any(String),
      applicationId: app.id,
      data: { applicantId: 'appl_42', status: 'GREEN' },
    });
    expect(Math.abs(Number(received.headers['webhook-timestamp']) * 1000 - received.receivedAt)).toBeLessThan(
      5_000,
    );

    const shown = await as.get(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(200);
    expect(shown.body.headers).toEqual([
      { key: 'X-Tenant', value: 'acme' },
      { key: 'Authorization', value: '••••••••0001' },
    ]);
  });

  it('keeps event data sealed in workflow histories and in MongoDB (it may be personal data)', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const marker = `appl_private_${Date.now()}`;
    const eventId = await sendEvent(as, app.id, { data: { applicantId: marker, status: 'GREEN' } });
    await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(target.requests[0].body).toContain(marker);

    // The API started the delivery with the event in its input: sealed there.
    const workflows = new Client({ connection: stack.temporal }).workflow;
    const { events } = await workflows
      .getHandle(WorkflowIds.webhookDelivery(eventId, webhook.id))
      .fetchHistory();
    const [input] = events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
    const opened = Buffer.from(input.data!).toString('utf8');
    expect(JSON.parse(opened).event.sealedData).toMatchObject({
      mk: expect.any(String),
      ct: expect.any(String),
    });
    for (const text of [opened, JSON.stringify(events)]) {
      expect(text).not.toContain(marker);
      expect(text).not.toContain(Buffer.from(marker).toString('base64').slice(0, 16));
    }
    const stored = await db()
      .collection('webhook_events')
      .findOne({ _id: eventId as never });
    expect(stored).toMatchObject({ _id: eventId, data: { mk: expect.any(String), ct: expect.any(String) } });
    expect(JSON.stringify(stored)).not.toContain(marker);
  });

  it('retries on failure, records every attempt with what the receiver said, and is findable in Temporal', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = (await receiver()).answer(
      { status: 500, body: 'Expired document' },
      { status: 503 },
      { status: 200 },
    );
    const webhook = await addWebhook(as, app.id, { url: target.url, retryPolicy: fast });
    const eventId = await sendEvent(as, app.id);
    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 3 });
    expect(
      delivery.attempts.map((a: { statusCode: number; error: string | null }) => [a.statusCode, a.error]),
    ).toEqual([
      [500, 'HTTP 500: Expired document'],
      [503, 'HTTP 503'],
      [200, null],
    ]);
    expect(new Set(target.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    const bodies = new Set(target.requests.map((r) => JSON.parse(r.body).timestamp));
    expect(bodies.size).toBe(1); // the event's time, the same on every attempt

    const workflowId = WorkflowIds.webhookDelivery(eventId, webhook.id);
    const found = await pollUntil(
      async () => {
        const ids: string[] = [];
        const query = `WebhookId = "${webhook.id}" AND EventId = "${eventId}" AND DeliveryStatus = "succeeded"`;
        for await (const w of new Client({ connection: stack.temporal }).workflow.list({ query }))
          ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.length === 1,
    );
    expect(found).toEqual([workflowId]);
  });

  it('lands in the failed-deliveries view when retries run out, and a retry from there succeeds with the same webhook-id', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = (await receiver()).answer({ status: 422, body: 'Unknown applicant' });
    const webhook = await addWebhook(as, app.id, { name: 'CRM', url: target.url, retryPolicy: fast });
    const eventId = await sendEvent(as, app.id, { eventType: 'APPLICANT_DUPLICATE_DOCUMENT' });
    expect(await finishedDelivery(as, app.id, eventId, webhook.id)).toMatchObject({
      status: 'failed',
      attemptCount: 3,
    });

    const failed = await as.get(`/v1/applications/${app.id}/webhooks/failed-deliveries`).expect(200);
    expect(failed.body.items).toEqual([
      {
        eventId,
        eventType: 'APPLICANT_DUPLICATE_DOCUMENT',
        subject: null,
        errorMessage: 'HTTP 422: Unknown applicant',
        deliveryId: `${eventId}:${webhook.id}`,
        webhookId: webhook.id,
        webhookName: 'CRM',
        url: target.url,
        attemptCount: 3,
        lastAttemptAt: expect.any(String),
        lastStatusCode: 422,
      },
    ]);
    const perWebhook = await as
      .get(`/v1/applications/${app.id}/webhooks/${webhook.id}/failed-deliveries`)
      .expect(200);
    expect(perWebhook.body.items).toHaveLength(1);

    target.answer({ status: 200 });
    const retry = await as
      .post(`/v1/applications/${app.id}/deliveries/${eventId}:${webhook.id}/retry`)
      .expect(202);
    expect(retry.body).toMatchObject({
      series: 2,
      workflowId: WorkflowIds.webhookDelivery(eventId, webhook.id),
    });
    const retried = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(retried).toMatchObject({ status: 'succeeded', series: 2, attemptCount: 1 });
    expect(
      retried.attempts.map((a: { series: number; attempt: number }) => `${a.series}.${a.attempt}`),
    ).toEqual(['1.1', '1.2', '1.3', '2.1']);
    expect(target.requests.at(-1)!.headers['webhook-id']).toBe(eventId);
    expect(
      (await as.get(`/v1/applications/${app.id}/webhooks/failed-deliveries`).expect(200)).body.items,
    ).toEqual([]);
  });

  it('accepts an event once per idempotency key, and delivers it once', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const body = { idempotencyKey: 'order-7', data: { applicantId: 'a' } };
    const [first, second] = await Promise.all([sendEvent(as, app.id, body), sendEvent(as, app.id, body)]);
    const third = await sendEvent(as, app.id, body);
    expect(new Set([first, second, third]).size).toBe(1);
    await finishedDelivery(as, app.id, first, webhook.id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(target.requests).toHaveLength(1);
  });

  it('takes the idempotency key as the Idempotency-Key header too, by the same rule, and refuses two that differ', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const path = `/v1/applications/${app.id}/events`;
    const event = { eventType: 'APPLICANT_COMPLETED', data: { applicantId: 'a' } };
    const withHeader = (key: string, body: object = event) => as.post(path, body).set('idempotency-key', key);

    const ids = [
      (await withHeader('order-8').expect(202)).body.eventId,
      (await withHeader('order-8').expect(202)).body.eventId,
      (await withHeader('order-8', { ...event, idempotencyKey: 'order-8' }).expect(202)).body.eventId,
      (await as.post(path, { ...event, idempotencyKey: 'order-8' }).expect(202)).body.eventId,
    ];
    expect(new Set(ids).size).toBe(1);
    for (const [key, body] of [
      ['order-9', { ...event, idempotencyKey: 'order-10' }],
      ['', event],
      ['has spaces', event],
      ['x'.repeat(201), event],
    ] as const) {
      const refused = await withHeader(key, body).expect(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    await finishedDelivery(as, app.id, ids[0], webhook.id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(target.requests.map((r) => r.headers['webhook-id'])).toEqual([ids[0]]);
  });

  it('a repeated request completes the deliveries that one cut short had started (the API died between its starts)', async () => {
    const { app, workspace, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const hooks = await Promise.all(
      [0, 1, 2].map((n) => addWebhook(as, app.id, { name: `part ${n}`, url: `${target.url}/${n}` })),
    );
    const body = { idempotencyKey: 'cut-short-1', data: { applicantId: 'appl_cut' } };
    const eventId = resourceId('evt', { scope: app.id, key: body.idempotencyKey });
    // Where the API stood when it died: the first delivery started, the two others not.
    await stack.api.get(EventIntake).accept({
      eventId,
      applicationId: app.id,
      eventType: 'APPLICANT_COMPLETED',
      occurredAt: new Date().toISOString(),
      data: body.data,
      excludeWebhookIds: [hooks[1].id, hooks[2].id],
      requestedBy: { kind: 'workspace', id: workspace.id },
    });
    await finishedDelivery(as, app.id, eventId, hooks[0].id);
    // The caller, who got no answer, repeats its request.
    expect(await sendEvent(as, app.id, body)).toBe(eventId);
    for (const hook of hooks)
      expect((await finishedDelivery(as, app.id, eventId, hook.id)).status).toBe('succeeded');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(target.requests.map((r) => r.path).sort()).toEqual(['/hook/0', '/hook/1', '/hook/2']);
  });

  it('starts the deliveries of an event to a few webhooks from the API, and fans out through one dispatch above EVENT_DIRECT_DELIVERIES_MAX', async () => {
    const DIRECT_DELIVERIES_MAX = stack.api.get(Environment).EVENT_DIRECT_DELIVERIES_MAX;
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const workflows = new Client({ connection: stack.temporal }).workflow;
    const dispatched = async (eventId: string) =>
      workflows
        .getHandle(WorkflowIds.eventDispatch(eventId))
        .describe()
        .then(() => true)
        .catch((err) => {
          if (err instanceof WorkflowNotFoundError) return false;
          throw err;
        });
    const webhooks = [];
    for (let i = 0; i < DIRECT_DELIVERIES_MAX; i++)
      webhooks.push(await addWebhook(as, app.id, { url: target.url }));
    const few = await sendEvent(as, app.id);
    webhooks.push(await addWebhook(as, app.id, { url: target.url }));
    const many = await sendEvent(as, app.id);

    for (const eventId of [few, many])
      for (const webhook of webhooks.slice(0, eventId === few ? DIRECT_DELIVERIES_MAX : undefined))
        expect(await finishedDelivery(as, app.id, eventId, webhook.id)).toMatchObject({
          status: 'succeeded',
        });
    expect(await dispatched(few)).toBe(false);
    expect(await dispatched(many)).toBe(true);
    const received = (eventId: string) =>
      target.requests.filter((r) => r.headers['webhook-id'] === eventId).length;
    expect([received(few), received(many)]).toEqual([DIRECT_DELIVERIES_MAX, DIRECT_DELIVERIES_MAX + 1]);
  });

  it('a dispatch run twice at once, then again after it finished (a worker crash and its retry), delivers once', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const eventId = `evt_redispatch${Date.now()}`;
    const input = {
      eventId,
      applicationId: app.id,
      eventType: 'APPLICANT_COMPLETED',
      occurredAt: new Date().toISOString(),
      sealedData: sealEventData(stack.worker.get(MasterKeyring), eventId, { applicantId: 'appl_7' }),
      requestedBy: { kind: 'system' as const, id: null },
    };
    const intake = stack.worker.get(EventIntake);
    // Both open the delivery (one finds it opened and, unless already attempted, starts it too): one start wins.
    const started = await Promise.all([intake.dispatch(input), intake.dispatch(input)]);
    expect(started).toContain(1);
    expect(await finishedDelivery(as, app.id, eventId, webhook.id)).toMatchObject({ status: 'succeeded' });
    // Once attempted, a delivery is not opened again.
    expect(await intake.dispatch(input)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(target.requests).toHaveLength(1);
  });

  it('delivers only the event types a webhook asked for', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const [all, completedOnly] = [await receiver(), await receiver()];
    const everything = await addWebhook(as, app.id, { url: all.url });
    const picky = await addWebhook(as, app.id, {
      url: completedOnly.url,
      eventTypes: ['APPLICANT_COMPLETED'],
    });
    const created = await sendEvent(as, app.id, { eventType: 'APPLICANT_CREATED' });
    const completed = await sendEvent(as, app.id, { eventType: 'APPLICANT_COMPLETED' });
    await finishedDelivery(as, app.id, created, everything.id);
    await finishedDelivery(as, app.id, completed, picky.id);
    await finishedDelivery(as, app.id, completed, everything.id);
    expect(all.requests.map((r) => JSON.parse(r.body).type).sort()).toEqual([
      'APPLICANT_COMPLETED',
      'APPLICANT_CREATED',
    ]);
    expect(completedOnly.requests.map((r) => JSON.parse(r.body).type)).toEqual(['APPLICANT_COMPLETED']);
    await as.get(`/v1/applications/${app.id}/deliveries/${created}:${picky.id}`).expect(404);
  });

  it('disables a webhook that answers 410, tells the other webhooks, and sends it nothing more', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const [gone, watcher] = [(await receiver()).answer({ status: 410 }), await receiver()];
    const goneWebhook = await addWebhook(as, app.id, {
      url: gone.url,
      eventTypes: ['APPLICANT_COMPLETED'],
      retryPolicy: fast,
    });
    await addWebhook(as, app.id, { url: watcher.url, eventTypes: ['WEBHOOK_ENDPOINT_DISABLED'] });
    const eventId = await sendEvent(as, app.id);
    expect(await finishedDelivery(as, app.id, eventId, goneWebhook.id)).toMatchObject({
      status: 'failed',
      attemptCount: 1,
    });
    const shown = await as.get(`/v1/applications/${app.id}/webhooks/${goneWebhook.id}`).expect(200);
    expect(shown.body).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' });

    expect(await firstNotice(watcher)).toMatchObject({
      type: 'WEBHOOK_ENDPOINT_DISABLED',
      applicationId: app.id,
      data: { webhookId: goneWebhook.id, reason: 'the receiver answered 410 Gone' },
    });

    const later = await sendEvent(as, app.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(gone.requests).toHaveLength(1);
    await as.get(`/v1/applications/${app.id}/deliveries/${later}:${goneWebhook.id}`).expect(404);

    await as.patch(`/v1/applications/${app.id}/webhooks/${goneWebhook.id}`, { enabled: true }).expect(200);
    gone.answer({ status: 200 });
    const afterReEnable = await sendEvent(as, app.id);
    expect(await finishedDelivery(as, app.id, afterReEnable, goneWebhook.id)).toMatchObject({
      status: 'succeeded',
    });
  });

  it('tells the webhooks that asked for it when the Crypto Key rotates, once, without key material', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const [watcher, other] = [await receiver(), await receiver()];
    await addWebhook(as, app.id, { url: watcher.url, eventTypes: ['APPLICATION_CRYPTO_KEY_ROTATED'] });
    await addWebhook(as, app.id, { url: other.url, eventTypes: ['APPLICANT_COMPLETED'] });
    const keyOf = async () =>
      (await as.get(`/v1/applications/${app.id}/credentials`).expect(200)).body.cryptoKey as string;
    const previousKey = await keyOf();
    const rotated = await as
      .post(`/v1/applications/${app.id}/crypto-key/rotate`, { graceWindow: 'PT1H' })
      .expect(202);

    expect(await firstNotice(watcher)).toMatchObject({
      type: 'APPLICATION_CRYPTO_KEY_ROTATED',
      applicationId: app.id,
      data: {
        applicationId: app.id,
        previousVersion: 1,
        newVersion: 2,
        previousVersionValidUntil: rotated.body.previousVersionValidUntil,
      },
    });
    for (const key of [previousKey, await keyOf()]) expect(watcher.requests[0].body).not.toContain(key);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([watcher.requests.length, other.requests.length]).toEqual([1, 0]);
  });

  it('signs with both secrets during a rotation overlap, and with the new one alone after', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const rotated = await as
      .post(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret/rotate`, { overlap: 'PT1H' })
      .expect(200);
    expect(
      (await as.get(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret`).expect(200)).body.secret,
    ).toBe(rotated.body.secret);
    const during = await sendEvent(as, app.id);
    await finishedDelivery(as, app.id, during, webhook.id);
    const [request] = target.requests;
    expect(request.headers['webhook-signature']!.toString().split(' ')).toHaveLength(2);
    for (const secret of [webhook.secret, rotated.body.secret]) {
      expect(() =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
    }
    await as
      .post(`/v1/applications/${app.id}/webhooks/${webhook.id}/secret/rotate`, { overlap: 'PT0S' })
      .expect(200);
    await afterWebhookCacheBound();
    const after = await sendEvent(as, app.id);
    await finishedDelivery(as, app.id, after, webhook.id);
    expect(target.requests[1].headers['webhook-signature']!.toString().split(' ')).toHaveLength(1);
    expect(() =>
      new Webhook(webhook.secret).verify(
        target.requests[1].body,
        target.requests[1].headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('recovers every failed delivery of a webhook since a time, durably, and says how many', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = (await receiver()).answer({ status: 500 });
    const webhook = await addWebhook(as, app.id, { url: target.url, retryPolicy: { maximumAttempts: 1 } });
    const since = new Date(Date.now() - 1000).toISOString();
    const events = [await sendEvent(as, app.id), await sendEvent(as, app.id), await sendEvent(as, app.id)];
    for (const eventId of events) await finishedDelivery(as, app.id, eventId, webhook.id);
    target.answer({ status: 200 });
    const recovered = await as
      .post(`/v1/applications/${app.id}/webhooks/${webhook.id}/recover`, { since })
      .expect(200);
    expect(recovered.body).toEqual({
      workflowId: WorkflowIds.webhookRecovery(webhook.id, since),
      retried: 3,
      skipped: 0,
    });
    for (const eventId of events) {
      expect(await finishedDelivery(as, app.id, eventId, webhook.id)).toMatchObject({
        status: 'succeeded',
        series: 2,
      });
    }
  });

  it('skips the wait when signalled retryNow, and answers its state to a query', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = (await receiver()).answer({ status: 500, body: 'later' }, { status: 200 });
    const webhook = await addWebhook(as, app.id, { url: target.url, retryPolicy: { schedule: ['PT1H'] } });
    const eventId = await sendEvent(as, app.id);
    const handle = new Client({ connection: stack.temporal }).workflow.getHandle(
      WorkflowIds.webhookDelivery(eventId, webhook.id),
    );
    const waiting = await pollUntil(
      () => handle.query(deliveryStateQuery).catch(() => null),
      (state) => state?.attempts === 1 && state.nextAttemptAt !== null,
    );
    // The hour's step, jittered by up to -10 %, less the time this test took to ask.
    expect(Date.parse(waiting!.nextAttemptAt!) - Date.now()).toBeGreaterThan(
      60 * 60_000 * (1 - RETRY_JITTER) - 60_000,
    );
    expect(waiting).toMatchObject({ status: 'pending', lastError: 'HTTP 500: later' });
    await handle.signal(retryNowSignal);
    expect(await handle.result()).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('filters the failed-deliveries view by event type, webhook and time, a page at a time', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const [a, b] = [(await receiver()).answer({ status: 500 }), (await receiver()).answer({ status: 404 })];
    const first = await addWebhook(as, app.id, { url: a.url, retryPolicy: { maximumAttempts: 1 } });
    const second = await addWebhook(as, app.id, { url: b.url, retryPolicy: { maximumAttempts: 1 } });
    const start = new Date().toISOString();
    const events: string[] = [];
    for (const eventType of ['APPLICANT_CREATED', 'APPLICANT_COMPLETED', 'APPLICANT_CREATED']) {
      const eventId = await sendEvent(as, app.id, { eventType });
      for (const webhook of [first, second]) await finishedDelivery(as, app.id, eventId, webhook.id);
      events.push(eventId);
    }
    const view = (query: string) =>
      as.get(`/v1/applications/${app.id}/webhooks/failed-deliveries?${query}`).expect(200);
    const all = await view('limit=100');
    expect(all.body.items).toHaveLength(6);
    const times = all.body.items.map((i: { lastAttemptAt: string }) => Date.parse(i.lastAttemptAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));

    const created = await view('eventType=APPLICANT_CREATED');
    expect(created.body.items.map((i: { eventId: string }) => i.eventId).sort()).toEqual(
      [events[0], events[0], events[2], events[2]].sort(),
    );
    const notFound = await view(`webhookId=${second.id}`);
    expect(notFound.body.items.map((i: { errorMessage: string }) => i.errorMessage)).toEqual([
      'HTTP 404',
      'HTTP 404',
      'HTTP 404',
    ]);
    expect((await view(`from=${new Date(Date.now() + 60_000).toISOString()}`)).body.items).toEqual([]);
    expect(
      (await view(`from=${start}&to=${new Date(Date.now() + 1000).toISOString()}`)).body.items,
    ).toHaveLength(6);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await view(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...page.body.items.map((i: { deliveryId: string }) => i.deliveryId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.body.items.map((i: { deliveryId: string }) => i.deliveryId));

    for (const bad of [
      'eventType=NOPE',
      'webhookId=x',
      'from=yesterday',
      'limit=0',
      'cursor=garbage',
      'status=failed',
    ]) {
      const res = await as.get(`/v1/applications/${app.id}/webhooks/failed-deliveries?${bad}`).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    for (const bad of ['status=lost', 'webhookId=x', 'limit=101']) {
      await as.get(`/v1/applications/${app.id}/deliveries?${bad}`).expect(400);
    }
    await as.get(`/v1/applications/${app.id}/deliveries/not-a-delivery`).expect(400);
  });

  it('a retry while the last run is still closing waits for it; one that cannot start leaves the delivery as it was', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const { webhook, eventId } = await pendingDelivery(as, app.id, target);
    const deliveryId = `${eventId}:${webhook.id}`;
    const run = new Client({ connection: stack.temporal }).workflow.getHandle(
      WorkflowIds.webhookDelivery(eventId, webhook.id),
    );
    // The moment after a run has recorded its end and before it closes: the record says failed.
    const recordedFailed = () =>
      db()
        .collection<{ _id: string }>('webhook_deliveries')
        .updateOne({ _id: deliveryId }, { $set: { status: 'failed', finishedAt: new Date() } });
    const retry = () => as.post(`/v1/applications/${app.id}/deliveries/${deliveryId}/retry`, {});

    // The run does not close (it waits an hour): the retry gives up, and the delivery is as it was.
    await recordedFailed();
    const refused = await retry();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('DELIVERY_IN_PROGRESS');
    const after = await as.get(`/v1/applications/${app.id}/deliveries/${deliveryId}`).expect(200);
    expect(after.body).toMatchObject({ status: 'failed', series: 1, attemptCount: 1 });

    // The run closes while the retry waits: the retry then starts the next series.
    const retried = retry();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await run.signal(cancelSignal);
    target.answer({ status: 200 });
    expect((await retried).status).toBe(202);
    expect(await finishedDelivery(as, app.id, eventId, webhook.id)).toMatchObject({
      status: 'succeeded',
      series: 2,
    });
  });

  it('cancels pending deliveries when their webhook is deleted', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receiver();
    const { webhook, eventId } = await pendingDelivery(as, app.id, target);
    await as.delete(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(204);
    const workflow = new Client({ connection: stack.temporal }).workflow.getHandle(
      WorkflowIds.webhookDelivery(eventId, webhook.id),
    );
    expect(await workflow.result()).toMatchObject({ status: 'cancelled', attempts: 1 });
    await as.get(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(404);
  });
});
