import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * Replaying what a webhook missed while it was disabled: the events of its types accepted since a
 * time that it has no delivery of are delivered once each, whatever calls there are (also 12 at
 * once); erased payloads are counted, not sent; a disabled webhook is refused; each call audited.
 */
describe('replay missed events', () => {
  const stack = useStack();

  it('delivers once what a disabled webhook missed, counts what it did not, and refuses while disabled', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await stack.receivers.start();
    const start = new Date(Date.now() - 1_000).toISOString();
    const hook = await addWebhook(as, app.id, { url: target.url, eventTypes: ['APPLICANT_COMPLETED'] });
    const path = `/v1/applications/${app.id}/webhooks/${hook.id}`;
    const seen = await sendEvent(as, app.id);
    await finishedDelivery(as, app.id, seen, hook.id);

    await as.patch(path, { enabled: false }).expect(200);
    const missed = [await sendEvent(as, app.id), await sendEvent(as, app.id)];
    await sendEvent(as, app.id, { eventType: 'APPLICANT_CREATED' }); // not its type
    await sendEvent(as, app.id, { subject: 'appl_gone' });
    await as.delete(`/v1/applications/${app.id}/subjects/appl_gone`).expect(202);
    await pollUntil(
      () =>
        stack.db().collection('webhook_events').countDocuments({ subject: 'appl_gone', erasedBy: 'erasure' }),
      (n) => n === 1,
    );

    const refused = await as.post(`${path}/replay-missed`, { since: start });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('WEBHOOK_DISABLED');

    await as.patch(path, { enabled: true }).expect(200);
    const replay = await as.post(`${path}/replay-missed`, { since: start }).expect(202);
    expect(replay.body).toMatchObject({ opened: 2, delivered: 1, notTaken: 1, erased: 1 });
    for (const eventId of missed)
      expect((await finishedDelivery(as, app.id, eventId, hook.id)).status).toBe('succeeded');

    // Again: nothing is sent twice.
    const again = await as.post(`${path}/replay-missed`, { since: start }).expect(202);
    expect(again.body).toMatchObject({ opened: 0, delivered: 3, notTaken: 1, erased: 1 });
    expect([...target.received.keys()].sort()).toEqual([seen, ...missed].sort());

    // Missed once more, then 12 replays at once: the run that opens the missed delivery answers
    // every call that came while it ran; a call that came after it ended (a loaded machine spreads
    // them out) starts a run of its own under the same ID, which finds nothing left to open.
    await as.patch(path, { enabled: false }).expect(200);
    const late = await sendEvent(as, app.id);
    await as.patch(path, { enabled: true }).expect(200);
    const since = new Date(Date.now() - 60_000).toISOString();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => as.post(`${path}/replay-missed`, { since })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
    expect(new Set(answers.map((a) => a.body.workflowId)).size).toBe(1);
    const opened = answers.map((a) => a.body.opened as number);
    expect(opened.filter((n) => n === 1).length).toBeGreaterThan(0);
    expect(opened.filter((n) => n !== 1 && n !== 0)).toEqual([]);
    await finishedDelivery(as, app.id, late, hook.id);
    expect(target.requests.filter((r) => r.headers['webhook-id'] === late)).toHaveLength(1);

    const audited = await stack
      .db()
      .collection('audit_events')
      .countDocuments({ applicationId: app.id, action: 'webhook.missed_events_replayed' });
    // Every call that was taken (the refused one changed nothing, and is not there).
    expect(audited).toBe(14);
  });

  it('starts from the webhook’s creation unless asked to include events from before it', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await stack.receivers.start();
    const since = new Date(Date.now() - 1_000).toISOString();
    const before = await sendEvent(as, app.id);
    const hook = await addWebhook(as, app.id, { url: target.url });
    const path = `/v1/applications/${app.id}/webhooks/${hook.id}/replay-missed`;

    const own = await as.post(path, { since }).expect(202);
    expect(own.body).toMatchObject({ opened: 0 });
    expect(Date.parse(own.body.since)).toBeGreaterThan(Date.parse(since));

    const all = await as.post(path, { since, includeBeforeCreation: true }).expect(202);
    expect(all.body).toMatchObject({ opened: 1, since });
    expect((await finishedDelivery(as, app.id, before, hook.id)).status).toBe('succeeded');

    const bad = await as.post(path, { since: 'yesterday', includeBeforeCreation: 'yes' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/since/);
    expect(JSON.stringify(bad.body)).toMatch(/includeBeforeCreation/);
  });
});
