import { Client } from '@temporalio/client';
import { parseDuration } from '../../libs/domain/duration';
import type { RetentionCounts } from '../../libs/domain/webhooks';
import { ScheduleIds } from '../../libs/temporal/workflow-ids';
import { ApiClient } from '../support/api-client';
import { pollUntil } from '../support/poll';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

const DAY = 86_400_000;

/**
 * Retention: the schedule's run erases payloads and answers past an application's retention,
 * deletes what is past its metadata retention, leaves deliveries in progress whole, counts what it
 * did in the audit log, and finds nothing more to do when run again.
 */
describe('data retention', () => {
  const stack = useStack({ temporal: true });
  const { receivers } = stack;
  const db = () => stack.db();

  /** Makes an event (and so its retention) look `days` old. */
  const age = (eventId: string, days: number) =>
    db()
      .collection('webhook_events')
      .updateOne({ _id: eventId as never }, { $set: { createdAt: new Date(Date.now() - days * DAY) } });

  /** The retention schedule, once the worker (which sets it up as it starts, in the background) has. */
  async function retentionSchedule() {
    const schedule = new Client({ connection: stack.temporal }).schedule.getHandle(
      ScheduleIds.dataRetention(process.env.TEMPORAL_TASK_QUEUE!),
    );
    const described = await pollUntil(
      () => schedule.describe().catch(() => null),
      (d) => d !== null,
    );
    return { schedule, described: described! };
  }

  /** Runs the retention schedule now, as its interval would, and waits for the run's result. */
  async function runRetention(): Promise<RetentionCounts> {
    const { schedule, described: current } = await retentionSchedule();
    const before = current.info.recentActions.length;
    await schedule.trigger();
    const described = await pollUntil(
      () => schedule.describe(),
      (d) => d.info.recentActions.length > before,
    );
    const { workflowId } = described.info.recentActions.at(-1)!.action.workflow;
    return new Client({ connection: stack.temporal }).workflow.getHandle(workflowId).result();
  }

  it('is scheduled by the worker every DATA_RETENTION_EVERY', async () => {
    const { described: schedule } = await retentionSchedule();
    expect(schedule.spec.intervals).toEqual([
      expect.objectContaining({ every: parseDuration(process.env.DATA_RETENTION_EVERY!) }),
    ]);
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dataRetention' });
  });

  it('erases payloads past retention, deletes what is past metadata retention, keeps what is in progress', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    // A second application keeping data for 2 days only, metadata for 3.
    const short = await tenantWithApplication(stack.client, { retention: 'P2D', metadataRetention: '3d' });
    expect(short.app).toMatchObject({ retention: 'P2D', metadataRetention: 'P3D' });
    expect(app).toMatchObject({ retention: 'P30D', metadataRetention: 'P90D' });
    const target = await receivers.start();
    target.answerFor = (r) =>
      r.body.includes('"hold":true') ? { status: 500, body: 'later' } : { status: 200, body: 'thanks' };
    const retryPolicy = { schedule: ['PT1H'] };
    const webhook = await addWebhook(as, app.id, { url: target.url, retryPolicy });
    const shortWebhook = await addWebhook(short.as, short.app.id, { url: target.url, retryPolicy });

    const recent = await sendEvent(as, app.id, { subject: 'appl_1' });
    const old = await sendEvent(as, app.id, { subject: 'appl_1' });
    const ancient = await sendEvent(as, app.id, { subject: 'appl_1' });
    const inProgress = await sendEvent(as, app.id, { data: { hold: true } });
    const fewDays = await sendEvent(short.as, short.app.id);
    const sameAgeLongRetention = await sendEvent(as, app.id);
    for (const id of [recent, old, ancient, sameAgeLongRetention])
      expect(await finishedDelivery(as, app.id, id, webhook.id)).toMatchObject({ status: 'succeeded' });
    await finishedDelivery(short.as, short.app.id, fewDays, shortWebhook.id);
    await pollUntil(
      async () => (await as.get(`/v1/applications/${app.id}/deliveries/${inProgress}:${webhook.id}`)).body,
      (d) => d.attemptCount === 1,
    );
    await age(old, 40);
    await age(ancient, 100);
    await age(inProgress, 100);
    await age(fewDays, 2.5);
    await age(sameAgeLongRetention, 2.5);

    const counts = await runRetention();
    expect(counts).toMatchObject({
      payloadsErased: 2, // old, fewDays
      answersErased: 2,
      eventsDeleted: 1, // ancient
      deliveriesDeleted: 1,
      attemptsDeleted: 1,
      keptInProgress: 1,
    });

    const delivery = (eventId: string, a = as, appId = app.id, webhookId = webhook.id) =>
      a.get(`/v1/applications/${appId}/deliveries/${eventId}:${webhookId}`);
    // Past retention: metadata kept, payload and answers gone, no retry.
    const erased = (await delivery(old).expect(200)).body;
    expect(erased).toMatchObject({
      status: 'succeeded',
      subject: 'appl_1',
      payloadErased: true,
      payloadErasedBy: 'retention',
    });
    expect(erased.attempts).toEqual([expect.objectContaining({ statusCode: 200, responseBody: null })]);
    const event = await db()
      .collection('webhook_events')
      .findOne({ _id: old as never });
    expect(event).toMatchObject({ data: null, erasedBy: 'retention', eventType: 'APPLICANT_COMPLETED' });
    const retry = await as
      .post(`/v1/applications/${app.id}/deliveries/${old}:${webhook.id}/retry`)
      .expect(409);
    expect(retry.body.code).toBe('PAYLOAD_ERASED');
    // Each application by its own settings.
    expect((await delivery(fewDays, short.as, short.app.id, shortWebhook.id).expect(200)).body).toMatchObject(
      {
        payloadErased: true,
      },
    );
    expect((await delivery(sameAgeLongRetention).expect(200)).body).toMatchObject({
      payloadErased: false,
      attempts: [expect.objectContaining({ responseBody: 'thanks' })],
    });
    // Past metadata retention: gone. In progress: whole. Recent: untouched.
    await delivery(ancient).expect(404);
    expect(
      await db()
        .collection('webhook_attempts')
        .countDocuments({ deliveryId: `${ancient}:${webhook.id}` }),
    ).toBe(0);
    expect((await delivery(inProgress).expect(200)).body).toMatchObject({
      status: 'pending',
      payloadErased: false,
    });
    expect((await delivery(recent).expect(200)).body).toMatchObject({ payloadErased: false });

    // Counted in each application's audit log.
    const audit = (await as.get(`/v1/applications/${app.id}/audit-events`).expect(200)).body.items;
    const enforced = audit.filter((e: { action: string }) => e.action === 'webhook_data.retention_enforced');
    expect(enforced).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ payloadsErased: 1, eventsDeleted: 1, keptInProgress: 1 }),
      }),
    ]);

    // Run again: nothing more to do, nothing more in the audit log.
    expect(await runRetention()).toMatchObject({
      payloadsErased: 0,
      answersErased: 0,
      eventsDeleted: 0,
      deliveriesDeleted: 0,
      attemptsDeleted: 0,
    });
    const again = (await as.get(`/v1/applications/${app.id}/audit-events`).expect(200)).body.items;
    expect(
      again.filter((e: { action: string }) => e.action === 'webhook_data.retention_enforced'),
    ).toHaveLength(1);
  });

  it('refuses retention settings out of bounds, naming the field', async () => {
    const { app, as } = await tenantWithApplication(new ApiClient(stack.api));
    const refused = async (body: Record<string, unknown>, field: string) => {
      const res = await as.patch(`/v1/applications/${app.id}`, body).expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field })]);
    };
    await refused({ retention: 'PT12H' }, 'retention');
    await refused({ retention: 'P2Y' }, 'retention');
    await refused({ retention: null }, 'retention');
    await refused({ metadataRetention: 'P4Y' }, 'metadataRetention');
    await refused({ retention: 'P60D', metadataRetention: 'P30D' }, 'metadataRetention');
    expect((await as.get(`/v1/applications/${app.id}`).expect(200)).body).toMatchObject({
      retention: 'P30D',
      metadataRetention: 'P90D',
    });
    // A longer retention takes metadata retention along when that would be shorter.
    const longer = await as.patch(`/v1/applications/${app.id}`, { retention: 'P180D' }).expect(200);
    expect(longer.body).toMatchObject({ retention: 'P180D', metadataRetention: 'P180D' });
  });
});
