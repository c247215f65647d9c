import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { serverBinaries } from '../../scripts/stack/binaries';
import type { SubjectErasureResult } from '../../libs/domain/webhooks';
import { EventSealing } from '../../libs/webhooks/event-data';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { ApiClient } from '../support/api-client';
import { pollUntil } from '../support/poll';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

const MARKER = 'Jane-Q-Applicant-1970-01-01';

/**
 * What `pick` finds in a JSON tree, depth first: a node it picks (returns a value for) is not
 * looked into further.
 */
function collect<T>(tree: unknown, pick: (node: object) => T | undefined): T[] {
  const found: T[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const picked = Array.isArray(node) ? undefined : pick(node);
    if (picked !== undefined) found.push(picked);
    else Object.values(node).forEach(walk);
  };
  walk(tree);
  return found;
}

/** Every payload of a history JSON (`temporal workflow show -o json`), decoded. */
const payloadsOf = (history: unknown): unknown[] =>
  collect(history, (node) => {
    const { metadata, data } = node as { metadata?: { encoding?: string }; data?: string };
    return metadata?.encoding && typeof data === 'string'
      ? (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown)
      : undefined;
  });

/** The sealed event data (`{ sk, iv, ct, tag }`) anywhere in these payloads. */
const subjectSealedIn = (payloads: unknown[]): { sk: string }[] =>
  collect(payloads, (node) =>
    typeof (node as { sk?: unknown }).sk === 'string' ? (node as { sk: string }) : undefined,
  );

/**
 * Erasing a subject (crypto-shredding): its data key destroyed, so its payloads are unreadable in
 * MongoDB and in Temporal histories (which cannot be edited); pending deliveries stopped, stored
 * payloads gone, metadata kept, retries refused; audited; idempotent.
 */
describe('subject erasure', () => {
  const stack = useStack({ temporal: true });
  const { receivers } = stack;
  let cli: string;
  const db = () => stack.db();

  beforeAll(async () => {
    cli = (await serverBinaries()).temporalCli;
  });

  const show = async (workflowId: string) => {
    const { stdout } = await promisify(execFile)(
      cli,
      ['workflow', 'show', '--address', process.env.TEMPORAL_ADDRESS!, '-w', workflowId, '-o', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return JSON.parse(stdout) as unknown;
  };
  const erasureResult = (workflowId: string): Promise<SubjectErasureResult> =>
    new Client({ connection: stack.temporal }).workflow.getHandle(workflowId).result();

  it('leaves every payload about the subject unreadable, in MongoDB and in Temporal histories', async () => {
    const { app, as } = await tenantWithApplication(new ApiClient(stack.api));
    const good = await receivers.start();
    good.answer({ status: 200, body: `got it, ${MARKER}` });
    const failing = await receivers.start();
    failing.answer({ status: 500 });
    const delivered = await addWebhook(as, app.id, { url: good.url });
    const stuck = await addWebhook(as, app.id, { url: failing.url, retryPolicy: { schedule: ['PT1H'] } });

    const gone: string[] = [];
    for (let i = 0; i < 3; i++)
      gone.push(await sendEvent(as, app.id, { subject: 'appl_gone', data: { name: MARKER, step: i } }));
    const kept = await sendEvent(as, app.id, { subject: 'appl_kept', data: { name: 'someone else' } });
    for (const id of [...gone, kept]) await finishedDelivery(as, app.id, id, delivered.id);
    await pollUntil(
      async () => failing.requests.length,
      (n) => n === 4,
    );

    // Before: histories carry the data sealed under the subject's key, never in clear.
    const delivery = await show(WorkflowIds.webhookDelivery(gone[0], delivered.id));
    expect(JSON.stringify(payloadsOf(delivery))).not.toContain(MARKER);
    const [sealed] = subjectSealedIn(payloadsOf(delivery));
    const keys = db().collection('subject_keys');
    expect(await keys.countDocuments({ keyId: sealed.sk })).toBe(1);

    const started = performance.now();
    const res = await as.delete(`/v1/applications/${app.id}/subjects/appl_gone`).expect(202);
    expect(res.body.workflowId).toBe(WorkflowIds.subjectErasure(app.id, 'appl_gone'));
    const result = await erasureResult(res.body.workflowId);
    process.stdout.write(
      `subject erasure: 3 events, ${JSON.stringify(result)} in ${(performance.now() - started).toFixed(0)} ms\n`,
    );
    // Answers: the 3 of each webhook (the failing one answered with an empty body).
    expect(result).toEqual({
      keyDestroyed: true,
      deliveriesCancelled: 3,
      payloadsErased: 3,
      answersErased: 6,
    });
    // Ended before anything was erased in them: erasure waits for the cancellations it asked for
    // (an erasing write at the same moment could lose the end on FerretDB v1: left pending).
    for (const eventId of gone) {
      const now = await as.get(`/v1/applications/${app.id}/deliveries/${eventId}:${stuck.id}`).expect(200);
      expect([eventId, now.body.status]).toEqual([eventId, 'cancelled']);
    }

    // Temporal histories, which cannot be edited: only ciphertext whose key is gone.
    const sealing = stack.worker.get(EventSealing);
    for (const eventId of gone) {
      for (const workflowId of [
        WorkflowIds.webhookDelivery(eventId, delivered.id),
        WorkflowIds.webhookDelivery(eventId, stuck.id),
      ]) {
        const payloads = payloadsOf(await show(workflowId));
        expect(JSON.stringify(payloads)).not.toContain(MARKER);
        for (const data of subjectSealedIn(payloads)) {
          expect(await keys.countDocuments({ keyId: data.sk })).toBe(0);
          const opened = await sealing.open({
            _id: eventId,
            applicationId: app.id,
            subject: 'appl_gone',
            data,
          });
          expect(opened).toBeNull();
        }
      }
    }

    // MongoDB: payloads and answers gone, metadata kept; pending deliveries stopped; no retry.
    for (const eventId of gone) {
      const event = await db()
        .collection('webhook_events')
        .findOne({ _id: eventId as never });
      expect(event).toMatchObject({ data: null, erasedBy: 'erasure', subject: 'appl_gone' });
      const view = await finishedDelivery(as, app.id, eventId, delivered.id);
      expect(view).toMatchObject({ status: 'succeeded', payloadErased: true, payloadErasedBy: 'erasure' });
      expect(view.attempts).toEqual([expect.objectContaining({ statusCode: 200, responseBody: null })]);
      expect(await finishedDelivery(as, app.id, eventId, stuck.id)).toMatchObject({ status: 'cancelled' });
      const retry = await as
        .post(`/v1/applications/${app.id}/deliveries/${eventId}:${delivered.id}/retry`)
        .expect(409);
      expect(retry.body.code).toBe('PAYLOAD_ERASED');
    }
    // Another subject is untouched.
    expect(await finishedDelivery(as, app.id, kept, delivered.id)).toMatchObject({ payloadErased: false });

    // Audited, with the counts.
    const audit = (await as.get(`/v1/applications/${app.id}/audit-events`).expect(200)).body.items;
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'subject.erased',
        details: expect.objectContaining({ subject: 'appl_gone', payloadsErased: 3, keyDestroyed: true }),
      }),
    );

    // Again: nothing left to do.
    const again = await as.delete(`/v1/applications/${app.id}/subjects/appl_gone`).expect(202);
    expect(await erasureResult(again.body.workflowId)).toEqual({
      keyDestroyed: false,
      deliveriesCancelled: 0,
      payloadsErased: 0,
      answersErased: 0,
    });

    // A new event about the subject afterwards gets a new key and is delivered as usual.
    const later = await sendEvent(as, app.id, { subject: 'appl_gone', data: { step: 'after' } });
    await finishedDelivery(as, app.id, later, delivered.id);
    const body = JSON.parse(good.requests.find((r) => r.headers['webhook-id'] === later)!.body);
    expect(body.data).toEqual({ step: 'after' });
    expect(await keys.countDocuments({ subject: 'appl_gone', keyId: { $ne: sealed.sk } })).toBe(1);
  }, 120_000);

  it('refuses a malformed subject, another tenant and an application key', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const other = await tenantWithApplication(stack.client);
    const bad = await as.delete(`/v1/applications/${app.id}/subjects/${encodeURIComponent('appl 1/..')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'subject' })]);
    await other.as.delete(`/v1/applications/${app.id}/subjects/appl_1`).expect(404);
    const credentials = (await as.get(`/v1/applications/${app.id}/credentials`).expect(200)).body;
    await stack.client
      .as(credentials.privateAppKey)
      .delete(`/v1/applications/${app.id}/subjects/appl_1`)
      .expect(403);
  });
});
