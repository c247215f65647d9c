import { Client } from '@temporalio/client';
import { SearchAttributes } from '../../libs/temporal/search-attributes';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { pollUntil } from '../support/poll';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

/** An event's subject (who it is about): validated, stored, in the body, filterable, searchable. */
describe('event subjects', () => {
  const stack = useStack({ temporal: true });
  const { receivers } = stack;

  it('carries the subject in the body, on the delivery, and as a search attribute of its delivery workflow', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receivers.start();
    const webhook = await addWebhook(as, app.id, { url: target.url });
    const about = await sendEvent(as, app.id, { subject: 'appl_42' });
    const anonymous = await sendEvent(as, app.id);

    const delivered = await finishedDelivery(as, app.id, about, webhook.id);
    expect(delivered).toMatchObject({ status: 'succeeded', subject: 'appl_42' });
    await finishedDelivery(as, app.id, anonymous, webhook.id);
    const bodies = target.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.find((b) => b.id === about)).toMatchObject({
      subject: 'appl_42',
      data: { applicantId: 'appl_1' },
    });
    // An event without a subject keeps the body it always had.
    expect(Object.keys(bodies.find((b) => b.id === anonymous)!)).toEqual([
      'id',
      'type',
      'timestamp',
      'applicationId',
      'data',
    ]);

    const listed = await as.get(`/v1/applications/${app.id}/deliveries?subject=appl_42`).expect(200);
    expect(listed.body.items.map((d: { eventId: string }) => d.eventId)).toEqual([about]);

    // The API started the delivery itself (one webhook, not ordered): no dispatch between.
    const workflows = new Client({ connection: stack.temporal }).workflow;
    const delivery = WorkflowIds.webhookDelivery(about, webhook.id);
    const described = await workflows.getHandle(delivery).describe();
    expect(described.typedSearchAttributes.get(SearchAttributes.Subject)).toBe('appl_42');
    const found = await pollUntil(
      async () => {
        const ids: string[] = [];
        for await (const w of workflows.list({
          query: `Subject = "appl_42" AND ApplicationId = "${app.id}"`,
        }))
          ids.push(w.workflowId);
        return ids;
      },
      (ids) => ids.length === 1,
    );
    expect(found).toEqual([delivery]);
  });

  it('filters the failed view by subject', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const down = (await receivers.start()).answer({ status: 500 });
    const webhook = await addWebhook(as, app.id, { url: down.url, retryPolicy: { schedule: ['PT1S'] } });
    const [first, second] = await Promise.all(
      ['appl_1', 'appl_2'].map((subject) => sendEvent(as, app.id, { subject })),
    );
    await Promise.all([first, second].map((eventId) => finishedDelivery(as, app.id, eventId, webhook.id)));
    const failed = await as
      .get(`/v1/applications/${app.id}/webhooks/failed-deliveries?subject=appl_2`)
      .expect(200);
    expect(failed.body.items).toEqual([expect.objectContaining({ eventId: second, subject: 'appl_2' })]);
  });

  it('refuses a subject that is not a plain ID, naming the field, and accepts nothing', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    for (const subject of [
      '',
      'has space',
      'a'.repeat(129),
      'jane@example.com',
      'ünïcode',
      42,
      null,
      ['appl_1'],
    ]) {
      const res = await as.post(`/v1/applications/${app.id}/events`, {
        eventType: 'APPLICANT_CREATED',
        subject,
      });
      expect([JSON.stringify(subject), res.status, res.body.details?.[0]?.field]).toEqual([
        JSON.stringify(subject),
        400,
        'subject',
      ]);
    }
    await as.get(`/v1/applications/${app.id}/deliveries?subject=bad%20one`).expect(400);
    const none = await as.get(`/v1/applications/${app.id}/deliveries`).expect(200);
    expect(none.body.items).toEqual([]);
  });
});
