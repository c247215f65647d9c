import { pollUntil } from '../support/poll';
import { useStack } from '../support/stack';
import { addWebhook, tenantWithApplication } from '../support/webhooks';
import { busiestWindow } from '../../libs/domain/rate-limit';

/**
 * A webhook's rate limit holds across worker processes: two workers deliver a burst of 100 events
 * to a webhook limited to 5 a second, and its receiver, by its own clock, never sees more than 5
 * in any second; every event arrives once, no attempt is spent waiting, and another webhook of the
 * same application takes its 100 at full speed meanwhile.
 */
describe('rate limits', () => {
  // The API and the workers as processes of their own: the receivers' clock, in this process, is
  // not held up by the API taking the burst of 100 events.
  const stack = useStack({ apiProcess: {}, workerProcesses: [{}, {}] });

  it('keeps a webhook under 5 a second across two workers, while an unlimited one goes at full speed', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    // The limited webhook's receiver in a process of its own: its clock is what is checked.
    const [limitedReceiver, freeReceiver] = await Promise.all([
      stack.receivers.startProcess(),
      stack.receivers.start(),
    ]);
    const limited = await addWebhook(as, app.id, {
      url: limitedReceiver.url,
      rateLimit: { count: 5, per: 'second' },
    });
    await addWebhook(as, app.id, { url: freeReceiver.url });

    const sentAt = Date.now();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        as
          .post(`/v1/applications/${app.id}/events`, {
            eventType: 'APPLICANT_COMPLETED',
            data: { applicantId: `appl_${i}` },
          })
          .expect(202),
      ),
    );

    // While the limited receiver's line is long, the webhook shows it.
    const backlog = await pollUntil(
      async () => (await as.get(`/v1/applications/${app.id}/webhooks/${limited.id}`).expect(200)).body,
      (webhook) => webhook.waitingForTurn > 0,
      { timeoutMs: 15_000 },
    );
    expect(backlog.rateLimit).toEqual({ count: 5, per: 'second' });

    await pollUntil(
      async () => freeReceiver.received.size,
      (n) => n === 100,
      { timeoutMs: 30_000 },
    );
    const freeDoneMs = Date.now() - sentAt;
    const arrivals = await pollUntil(
      () => limitedReceiver.arrivals(),
      (all) => new Set(all.map((a) => a.id)).size === 100,
      { timeoutMs: 60_000 },
    );

    const times = arrivals.map((a) => a.at).sort((a, b) => a - b);
    const tightestSix = (at: number[]) => Math.min(...at.slice(5).map((t, i) => t - at[i]));
    process.stdout.write(
      `rate limit 5/s: busiest second ${busiestWindow(times, 1_000)}, tightest six in a row ${tightestSix(times)} ms, ` +
        `100 over ${times[99] - times[0]} ms; unlimited webhook done after ${freeDoneMs} ms\n`,
    );
    expect(arrivals).toHaveLength(100);
    expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(5);
    // 100 at 5 a second take at least 19 s; the unlimited webhook did not wait for them.
    expect(times[99] - times[0]).toBeGreaterThanOrEqual(19_000);
    expect(freeDoneMs).toBeLessThan(times[99] - sentAt - 5_000);

    // Each of the limited webhook's deliveries succeeded on its first attempt: waiting spent none.
    const deliveries = await stack
      .db()
      .collection('webhook_deliveries')
      .find({ webhookId: limited.id }, { projection: { status: 1, attemptCount: 1 } })
      .toArray();
    expect(deliveries).toHaveLength(100);
    expect(deliveries.every((d) => d.status === 'succeeded' && d.attemptCount === 1)).toBe(true);
    expect(
      (await as.get(`/v1/applications/${app.id}/webhooks/${limited.id}`).expect(200)).body,
    ).toMatchObject({
      waitingForTurn: 0,
    });
  });
});
