import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

const SUBJECTS = 20;
const EVENTS_PER_SUBJECT = 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ordering `subject`: a webhook gets the events about one subject one at a time, in the order they
 * were accepted, whatever its receiver and the worker do meanwhile; a webhook without ordering
 * gets the same events as they come.
 */
describe('ordered delivery per subject', () => {
  let worker: ServiceProcess | undefined;
  // Before the stack's teardown (jest runs afterAll hooks in the order they are declared).
  afterAll(() => worker?.child.kill('SIGKILL'));
  const stack = useStack({ worker: false });
  const { receivers } = stack;

  const startWorkerProcess = async () => {
    const started = startServiceProcess('worker');
    await started.waitFor(/Worker polling task queue/, 60_000);
    return started;
  };
  const killWorker = async () => {
    worker!.child.kill('SIGKILL');
    await worker!.exited;
    worker = await startWorkerProcess();
  };

  beforeAll(async () => {
    worker = await startWorkerProcess();
  }, 90_000);

  it(`delivers ${SUBJECTS} subjects × ${EVENTS_PER_SUBJECT} events in acceptance order while the receiver fails and the worker dies twice`, async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const flaky = await receivers.start({ failShare: 0.25, slowShare: 0.3, slowMs: 400 });
    const steady = await receivers.start();
    const retryPolicy = { schedule: Array(12).fill('PT1S') };
    const ordered = await addWebhook(as, app.id, { url: flaky.url, ordering: 'subject', retryPolicy });
    const unordered = await addWebhook(as, app.id, { url: steady.url, retryPolicy });

    // Each subject's events are sent one after the other (each accepted before the next is sent),
    // the subjects side by side.
    const accepted = new Map<string, string[]>();
    const started = performance.now();
    const sending = Promise.all(
      Array.from({ length: SUBJECTS }, async (_, s) => {
        const subject = `appl_${s}`;
        accepted.set(subject, []);
        for (let i = 0; i < EVENTS_PER_SUBJECT; i++) {
          const eventId = await sendEvent(as, app.id, { subject, data: { applicantId: subject, step: i } });
          accepted.get(subject)!.push(eventId);
          await sleep(Math.random() * 100);
        }
      }),
    );
    await sleep(2_000);
    await killWorker();
    await sleep(3_000);
    await killWorker();
    await sending;

    const all = [...accepted.values()].flat();
    /** What became of the events a receiver has not had: their deliveries as the API shows them. */
    const missingFrom = async (receiver: Receiver, webhookId: string) =>
      Promise.all(
        all
          .filter((id) => !receiver.received.has(id))
          .map(async (id) => {
            const { status, body } = await as.get(`/v1/applications/${app.id}/deliveries/${id}:${webhookId}`);
            const subject = [...accepted].find(([, ids]) => ids.includes(id))?.[0];
            return { id, subject, position: accepted.get(subject!)?.indexOf(id), status, delivery: body };
          }),
      );
    const everyOne = (receiver: Receiver, webhookId: string) =>
      pollUntil(
        async () => all.filter((id) => receiver.received.has(id)).length,
        (n) => n === all.length,
        { timeoutMs: 240_000, intervalMs: 500 },
      ).then(
        () => performance.now() - started,
        async (err: Error) => {
          throw new Error(
            `${err.message}; missing: ${JSON.stringify(await missingFrom(receiver, webhookId))}`,
          );
        },
      );
    const [steadyDone, flakyDone] = await Promise.all([
      everyOne(steady, unordered.id),
      everyOne(flaky, ordered.id),
    ]);

    // Every subject's first successful receipts came in the order its events were accepted.
    for (const [subject, ids] of accepted) {
      const byReceipt = [...ids].sort((a, b) => flaky.received.get(a)! - flaky.received.get(b)!);
      expect({ subject, order: byReceipt }).toEqual({ subject, order: ids });
    }
    // The webhook without ordering was not held back by the other's failures.
    expect(steadyDone).toBeLessThan(flakyDone);
    process.stdout.write(
      `ordered delivery: ${all.length} events, every one received by both; unordered webhook done after ${(steadyDone / 1000).toFixed(1)} s, ordered after ${(flakyDone / 1000).toFixed(1)} s (${flaky.refused} requests failed on purpose, worker killed twice)\n`,
    );
  }, 420_000);

  it('lets other subjects flow while one is stuck, and the next go once the stuck one finally fails', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receivers.start();
    // Events whose data says so fail until the receiver is mended.
    let mended = false;
    target.answerFor = (r) => (!mended && r.body.includes('"fail":true') ? { status: 500 } : undefined);
    const webhook = await addWebhook(as, app.id, {
      url: target.url,
      ordering: 'subject',
      retryPolicy: { schedule: ['PT2S', 'PT2S'] },
    });

    const stuck = await sendEvent(as, app.id, { subject: 'appl_stuck', data: { fail: true } });
    const next = await sendEvent(as, app.id, { subject: 'appl_stuck', data: { step: 2 } });
    const sentOthers = performance.now();
    const others: string[] = [];
    for (let i = 0; i < 5; i++) others.push(await sendEvent(as, app.id, { subject: 'appl_other' }));
    await pollUntil(
      async () => others.filter((id) => target.received.has(id)).length,
      (n) => n === others.length,
      { timeoutMs: 20_000 },
    );
    const othersTook = performance.now() - sentOthers;
    // Meanwhile the stuck subject's next event waits its turn.
    expect(target.received.has(next)).toBe(false);

    const failed = await finishedDelivery(as, app.id, stuck, webhook.id);
    expect(failed).toMatchObject({ status: 'failed', attemptCount: 3 });
    const delivered = await finishedDelivery(as, app.id, next, webhook.id);
    expect(delivered.status).toBe('succeeded');
    type Attempt = { startedAt: string; durationMs: number };
    const lastFailureEnd = Math.max(
      ...failed.attempts.map((a: Attempt) => Date.parse(a.startedAt) + a.durationMs),
    );
    const nextStarted = Date.parse(delivered.attempts[0].startedAt);
    expect(nextStarted).toBeGreaterThanOrEqual(lastFailureEnd);
    expect(othersTook).toBeLessThan(nextStarted - Date.parse(failed.attempts[0].startedAt));

    // A retry by hand goes at once, outside the sequence.
    mended = true;
    await as.post(`/v1/applications/${app.id}/deliveries/${stuck}:${webhook.id}/retry`).expect(202);
    const retried = await finishedDelivery(as, app.id, stuck, webhook.id);
    expect(retried).toMatchObject({ status: 'succeeded', series: 2 });
  }, 120_000);

  it('takes ordering on a webhook, shows it, and refuses what it cannot be', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const base = `/v1/applications/${app.id}/webhooks`;
    const created = await as.post(base, { name: 'r', url: 'https://example.com/hook' }).expect(201);
    expect(created.body.ordering).toBe('none');
    const changed = await as.patch(`${base}/${created.body.id}`, { ordering: 'subject' }).expect(200);
    expect(changed.body.ordering).toBe('subject');
    for (const ordering of ['fifo', null, 1, ['subject'], 'Subject']) {
      const refused = await as.patch(`${base}/${created.body.id}`, { ordering }).expect(400);
      expect(refused.body.details).toEqual([expect.objectContaining({ field: 'ordering' })]);
    }
    const kept = await as.get(`${base}/${created.body.id}`).expect(200);
    expect(kept.body.ordering).toBe('subject');
  });
});
