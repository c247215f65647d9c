import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';
import { useStack } from '../support/stack';

/**
 * The worker SIGKILLed while a delivery is waiting for its next attempt and while an attempt is in
 * flight, then restarted: the delivery completes, and every attempt is recorded exactly once. And
 * stopped gracefully (SIGTERM) during an attempt: the attempt ends, is recorded, is not made again.
 */
/** Events sent at once in the burst test. */
const BURST = 120;

describe('worker killed mid-delivery', () => {
  let worker: ServiceProcess | undefined;
  // Before the stack's teardown (jest runs afterAll hooks in the order they are declared).
  afterAll(() => worker?.child.kill('SIGKILL'));
  const stack = useStack({ worker: false });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await stack.receivers.start();
  });

  const startWorkerProcess = async () => {
    const started = startServiceProcess('worker');
    await started.waitFor(/Worker polling task queue/);
    return started;
  };

  it('completes the delivery after restarts, recording each attempt once', async () => {
    worker = await startWorkerProcess();
    const { app, as } = await tenantWithApplication(stack.client);
    // 1st attempt fails fast; the 2nd hangs (the worker dies during it); then success.
    receiver.answer({ status: 500, body: 'first' }, { hangMs: 4_000 }, { status: 200 });
    const webhook = await addWebhook(as, app.id, {
      url: receiver.url,
      retryPolicy: { schedule: ['PT2S', 'PT1S', 'PT1S'] },
    });

    const eventId = await sendEvent(as, app.id);
    await pollUntil(
      async () => receiver.requests.length,
      (n) => n === 1,
    );
    worker.child.kill('SIGKILL'); // during the durable 2 s wait
    await worker.exited;
    worker = await startWorkerProcess();
    await pollUntil(
      async () => receiver.requests.length,
      (n) => n === 2,
      { timeoutMs: 20_000 },
    );
    worker.child.kill('SIGKILL'); // while attempt 2 is in flight
    await worker.exited;
    worker = await startWorkerProcess();

    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery.status).toBe('succeeded');
    const numbers: number[] = delivery.attempts.map((a: { attempt: number }) => a.attempt);
    expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
    expect(delivery.attempts.at(-1)).toMatchObject({ succeeded: true, statusCode: 200 });
    expect(delivery.attemptCount).toBe(numbers.length);
    // The killed attempt was made again (allowed, same webhook-id): receivers dedupe on it.
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(receiver.requests.length).toBeGreaterThanOrEqual(numbers.length);
    // Three worker starts, a workflow task timing out after each kill: about 27 s alone, more than
    // the default 60 s when the rest of the suite loads the two cores at the same time.
  }, 150_000);

  it('a graceful stop lets the attempt in flight finish and record itself: nothing is sent twice', async () => {
    worker ??= await startWorkerProcess();
    const { app, as } = await tenantWithApplication(stack.client);
    receiver.answer({ hangMs: 3_000 });
    const webhook = await addWebhook(as, app.id, { url: receiver.url });
    const eventId = await sendEvent(as, app.id);
    const received = () => receiver.requests.filter((r) => r.headers['webhook-id'] === eventId).length;
    await pollUntil(
      async () => received(),
      (n) => n === 1,
    );

    worker.child.kill('SIGTERM'); // the receiver is still answering
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const recorded = await as.get(`/v1/applications/${app.id}/deliveries/${eventId}:${webhook.id}`);
    expect(recorded.body).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    expect(recorded.body.attempts).toMatchObject([{ attempt: 1, statusCode: 200, succeeded: true }]);

    // The next worker finishes the workflow without a second request.
    worker = await startWorkerProcess();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(received()).toBe(1);
  });

  it('a graceful stop in a burst: every request a receiver got is an attempt on record, none made twice', async () => {
    worker ??= await startWorkerProcess();
    const { app, as } = await tenantWithApplication(stack.client);
    const burst = await Receiver.start();
    burst.answer({ hangMs: 400 }); // answers 200 after 400 ms: many attempts in flight at once
    const webhook = await addWebhook(as, app.id, { url: burst.url });
    const eventIds = await Promise.all(Array.from({ length: BURST }, () => sendEvent(as, app.id)));
    await pollUntil(
      async () => burst.requests.length,
      (n) => n >= BURST / 4,
      { timeoutMs: 30_000 },
    );

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    worker = await startWorkerProcess();
    const deliveries = await Promise.all(
      eventIds.map((eventId) => finishedDelivery(as, app.id, eventId, webhook.id)),
    );
    await burst.stop();

    expect(deliveries.every((d) => d.status === 'succeeded')).toBe(true);
    const attempts = deliveries.reduce((sum, d) => sum + d.attempts.length, 0);
    const perEvent = new Map<string, number>();
    for (const r of burst.requests) {
      const id = String(r.headers['webhook-id']);
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
    }
    const twice = [...perEvent.values()].filter((n) => n > 1).length;
    expect({ requests: burst.requests.length, attempts, twice }).toEqual({
      requests: BURST,
      attempts: BURST,
      twice: 0,
    });
  });
});
