import { encryptJson } from '../../libs/crypto/envelope';
import { ApiClient } from '../support/api-client';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { startApi } from '../support/app';
import { useStack } from '../support/stack';

/**
 * Payload filters: a webhook takes only the events whose data matches its filter, whichever way
 * the event came (plain data, encryptedData) and went (started by the API, or dispatched for an
 * ordered webhook); the others open no delivery to it. Refused filters name the path and operator.
 */
describe('payload filters', () => {
  const stack = useStack();
  const { receivers } = stack;
  const FILTER = { status: { $in: ['approved'] }, score: { $gte: 50 } };

  /** The events a webhook has a delivery of (all its deliveries, every page). */
  const deliveredEvents = async (as: ReturnType<ApiClient['as']>, appId: string, webhookId: string) => {
    const res = await as
      .get(`/v1/applications/${appId}/deliveries?webhookId=${webhookId}&limit=100`)
      .expect(200);
    return res.body.items.map((d: { eventId: string }) => d.eventId).sort();
  };

  it('delivers only matching events, from plain and encrypted data, and opens no delivery for the rest', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receivers.start();
    const filtered = await addWebhook(as, app.id, { name: 'approved only', url: target.url, filter: FILTER });
    const everything = await addWebhook(as, app.id, { name: 'everything', url: target.url });
    expect(
      (await as.get(`/v1/applications/${app.id}/webhooks/${filtered.id}`).expect(200)).body.filter,
    ).toEqual(FILTER);

    const material = Buffer.from(app.credentials.cryptoKey, 'base64');
    const sealed = (data: object) =>
      encryptJson(data, 'AES-256-GCM', { material, version: app.credentials.cryptoKeyVersion }, app.id);
    const sent = [
      { data: { status: 'approved', score: 72 }, matches: true },
      { data: { status: 'approved', score: '90' }, matches: false }, // a string is not >= 50
      { data: { status: 'declined', score: 99 }, matches: false },
      { data: { status: 'approved' }, matches: false },
      { encryptedData: sealed({ status: 'approved', score: 50 }), matches: true },
      { encryptedData: sealed({ status: 'approved', score: 49 }), matches: false },
    ];
    const events: { eventId: string; matches: boolean }[] = [];
    for (const { matches, ...body } of sent)
      events.push({ eventId: await sendEvent(as, app.id, { data: undefined, ...body }), matches });

    for (const { eventId } of events) await finishedDelivery(as, app.id, eventId, everything.id);
    for (const { eventId } of events.filter((e) => e.matches))
      expect((await finishedDelivery(as, app.id, eventId, filtered.id)).status).toBe('succeeded');
    expect(await deliveredEvents(as, app.id, filtered.id)).toEqual(
      events
        .filter((e) => e.matches)
        .map((e) => e.eventId)
        .sort(),
    );
    expect(await deliveredEvents(as, app.id, everything.id)).toEqual(events.map((e) => e.eventId).sort());
  });

  it('filters what a dispatch opens (ordered webhooks too), and test events go whatever the filter', async () => {
    // An API that starts no delivery itself: every event goes through the dispatch workflow.
    const dispatching = await startApi({ EVENT_DIRECT_DELIVERIES_MAX: '0' });
    try {
      const { app, workspace } = await tenantWithApplication(stack.client);
      const as = new ApiClient(dispatching).as(workspace.apiToken);
      const target = await receivers.start();
      const everything = await addWebhook(as, app.id, { url: target.url });
      const plain = await addWebhook(as, app.id, { url: target.url, filter: { 'applicant.country': 'DE' } });
      const ordered = await addWebhook(as, app.id, {
        url: target.url,
        ordering: 'subject',
        filter: { 'applicant.country': 'DE' },
      });
      const german = await sendEvent(as, app.id, {
        subject: 'appl_1',
        data: { applicant: { country: 'DE' } },
      });
      const french = await sendEvent(as, app.id, {
        subject: 'appl_1',
        data: { applicant: { country: 'FR' } },
      });
      const again = await sendEvent(as, app.id, {
        subject: 'appl_1',
        data: { applicant: { country: 'DE' } },
      });
      for (const webhook of [plain, ordered]) {
        await finishedDelivery(as, app.id, again, webhook.id);
        await finishedDelivery(as, app.id, german, webhook.id);
        expect(await deliveredEvents(as, app.id, webhook.id)).toEqual([german, again].sort());
      }
      // The French event went to the webhook without a filter (so it was dispatched), to no other.
      await finishedDelivery(as, app.id, french, everything.id);
      expect(await deliveredEvents(as, app.id, everything.id)).toEqual([german, french, again].sort());

      const test = await as.post(`/v1/applications/${app.id}/webhooks/${plain.id}/test`).expect(202);
      expect((await finishedDelivery(as, app.id, test.body.eventId, plain.id)).status).toBe('succeeded');
    } finally {
      await dispatching.close();
    }
  });

  it('answers whether example data matches, and a filter can be changed and removed', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const webhook = await addWebhook(as, app.id, { url: 'http://127.0.0.1:9/h', filter: FILTER });
    const test = (data: object) =>
      as.post(`/v1/applications/${app.id}/webhooks/${webhook.id}/filter-test`, { data }).expect(200);
    expect((await test({ status: 'approved', score: 50 })).body).toEqual({ matches: true });
    expect((await test({ status: 'approved', score: '50' })).body).toEqual({ matches: false });

    await as
      .patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { filter: { score: { $lt: 10 } } })
      .expect(200);
    expect((await test({ score: 3 })).body).toEqual({ matches: true });
    const cleared = await as
      .patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { filter: null })
      .expect(200);
    expect(cleared.body.filter).toBeNull();
    expect((await test({ anything: 1 })).body).toEqual({ matches: true });
    const missing = await as
      .post(`/v1/applications/${app.id}/webhooks/${webhook.id}/filter-test`, {})
      .expect(400);
    expect(JSON.stringify(missing.body)).toContain('data');
  });

  it('refuses a filter naming the path and the operator at fault, and changes nothing', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const webhook = await addWebhook(as, app.id, { url: 'http://127.0.0.1:9/h', filter: FILTER });
    const refusals: [object, RegExp][] = [
      [{ status: { $regexx: 'a' } }, /filter\.status\.\$regexx: unknown operator \$regexx/],
      [{ $where: 'sleep(100)' }, /filter\.\$where: unknown operator/],
      [{ score: { $gte: true } }, /filter\.score\.\$gte must be a number or a string/],
      [{ 'a..b': 1 }, /filter\.a\.\.b: a path has no empty parts/],
      [{ 'a.toString': 1 }, /toString is reserved/],
      [['status'], /filter must be a JSON object/],
    ];
    for (const [filter, message] of refusals) {
      for (const res of [
        await as.post(`/v1/applications/${app.id}/webhooks`, {
          name: 'x',
          url: 'http://127.0.0.1:9/h',
          filter,
        }),
        await as.patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { filter }),
      ]) {
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).toMatch(message);
      }
    }
    const after = await as.get(`/v1/applications/${app.id}/webhooks`).expect(200);
    expect(after.body.items.map((w: { filter: unknown }) => w.filter)).toEqual([FILTER]);
  });
});
