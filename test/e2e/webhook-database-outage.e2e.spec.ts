import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { FerretDb } from '../../scripts/stack/ferretdb';
import { ApiClient } from '../support/api-client';
import { startApi, startWorker } from '../support/app';
import { ownFerretDb } from '../support/own-ferretdb';
import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { addWebhook, finishedDelivery, sendEvent, tenantWithApplication } from '../support/webhooks';

/**
 * The database goes away while a delivery waits for its next attempt: that attempt's activity
 * fails and Temporal retries it until the database is back. No attempt is lost, none invented.
 */
describe('database outage during a delivery', () => {
  let ferret: FerretDb;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let receiver: Receiver;
  const startOwnFerret = ownFerretDb(join(process.env.TEST_WORK_DIR!, 'outage-ferretdb'));

  beforeAll(async () => {
    ferret = await startOwnFerret();
    const env = { MONGODB_URI: `${ferret.uri}/test_outage` };
    [api, worker] = await Promise.all([startApi(env), startWorker(env)]);
    receiver = await Receiver.start();
  });

  afterAll(async () => {
    await receiver?.stop();
    await Promise.all([api?.close(), worker?.close()]);
    await ferret?.process.stop(1_000);
  });

  it('completes the delivery once the database is back, with every attempt recorded once', async () => {
    const { app, as } = await tenantWithApplication(new ApiClient(api));
    receiver.answer({ status: 500, body: 'first' }, { status: 200 });
    const webhook = await addWebhook(as, app.id, {
      url: receiver.url,
      retryPolicy: { schedule: ['PT2S'] },
    });
    const eventId = await sendEvent(as, app.id);
    await pollUntil(
      async () => receiver.requests.length,
      (n) => n === 1,
    );

    await ferret.process.stop(1_000);
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // the second attempt falls due meanwhile
    expect(receiver.requests).toHaveLength(1);
    ferret = await startOwnFerret(ferret.port);

    const delivery = await finishedDelivery(as, app.id, eventId, webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(
      delivery.attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode]),
    ).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(receiver.requests).toHaveLength(2);
  });
});
