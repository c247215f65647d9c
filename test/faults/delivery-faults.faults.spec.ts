import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../libs/common/free-port';
import { resourceId } from '../../libs/crypto/resource-ids';
import { WorkflowIds } from '../../libs/temporal/workflow-ids';
import { serverBinaries } from '../../scripts/stack/binaries';
import type { FerretDb } from '../../scripts/stack/ferretdb';
import { Postgres, startPostgres } from '../../scripts/stack/postgres';
import { TemporalDevServer, startTemporalDevServer } from '../../scripts/stack/temporal-server';
import { ApiClient } from '../support/api-client';
import { ownFerretDb } from '../support/own-ferretdb';
import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { addWebhook, failedDeliveryKeys, tenantWithApplication } from '../support/webhooks';

/**
 * The fault suite: N events to three webhooks flow while the worker is SIGKILLed, the API is
 * SIGKILLed in the middle of accepting an event (some of its delivery workflows started, the
 * others not: the caller repeats the request with its idempotency key), the receiver refuses, fails
 * and hangs, and the Temporal server and FerretDB are stopped and restarted. At the end every
 * (event, webhook) is delivered (with a valid signature) or recorded failed: nothing lost, nothing
 * unexpected. `npm run test:faults` runs it with FAULT_EVENTS=1000; the normal run with fewer.
 */
const EVENTS = Number(process.env.FAULT_EVENTS ?? 150);
const WORKER_KILLS = Number(process.env.FAULT_WORKER_KILLS ?? 3);
const API_KILLS = Number(process.env.FAULT_API_KILLS ?? 2);
const WEBHOOKS = 3;
const SEND_SPREAD_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault suite', () => {
  const dir = join(process.env.TEST_WORK_DIR!, `faults-${randomBytes(3).toString('hex')}`);
  let startOwnFerret: ReturnType<typeof ownFerretDb>;
  let postgres: Postgres;
  let temporal: TemporalDevServer;
  let ferret: FerretDb;
  let api: ServiceProcess;
  let apiBase: string;
  let worker: ServiceProcess;
  let receiver: Receiver;
  let cli: string;
  const env = () => ({
    TEMPORAL_ADDRESS: temporal.address,
    MONGODB_URI: `${ferret.uri}/test_faults`,
    WEBHOOK_TIMEOUT_MS: '2000',
  });
  const startWorkerProcess = async () => {
    worker = startServiceProcess('worker', { ...env(), LOG_LEVEL: 'info' });
    await worker.waitFor(/Worker polling task queue/, 60_000);
  };
  /** The API as its own process, always on the same port: callers retry through its restarts. */
  const startApiProcess = async () => {
    api = startServiceProcess('api', { ...env(), PORT: new URL(apiBase).port, LOG_LEVEL: 'info' });
    await api.waitFor(/API listening on/, 60_000);
  };

  beforeAll(async () => {
    const bins = await serverBinaries();
    cli = bins.temporalCli;
    // The embedded store as npm start runs it: FerretDB on PostgreSQL. FerretDB is what the faults stop.
    postgres = await startPostgres({
      binDir: bins.postgresBinDir,
      dataDir: join(dir, 'postgres'),
      logFile: join(dir, 'postgres.log'),
    });
    startOwnFerret = ownFerretDb(join(dir, 'ferretdb'), postgres.url);
    temporal = await startTemporalDevServer({
      cli,
      dbFile: join(dir, 'temporal.sqlite'),
      logFile: join(dir, 'temporal.log'),
    });
    ferret = await startOwnFerret();
    apiBase = `http://127.0.0.1:${await freePort()}`;
    receiver = await Receiver.start();
    await Promise.all([startApiProcess(), startWorkerProcess()]);
  }, 120_000);

  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    api?.child.kill('SIGKILL');
    await receiver?.stop();
    await Promise.all([temporal?.process.stop(2_000), ferret?.process.stop(2_000)]);
    await postgres?.process.stop(5_000);
  });

  it(`loses no event among ${EVENTS} while things break`, async () => {
    const { app, as } = await tenantWithApplication(new ApiClient(apiBase));
    // Three webhooks on the one receiver, told apart by path: each event starts three deliveries.
    const webhooks = await Promise.all(
      Array.from({ length: WEBHOOKS }, (_, n) =>
        addWebhook(as, app.id, {
          name: `fault ${n}`,
          url: `${receiver.url}/${n}`,
          retryPolicy: { schedule: ['PT1S', 'PT2S', 'PT4S', 'PT8S', 'PT15S', 'PT30S', 'PT30S', 'PT30S'] },
        }),
      ),
    );
    const webhookAt = (path: string) => webhooks[Number(path.split('/').pop())];

    // Signatures are checked as requests arrive: a verifier refuses timestamps older than 5 minutes.
    const verified = (r: { path: string; body: string; headers: Record<string, unknown> }) => {
      try {
        new Webhook(webhookAt(r.path).secret).verify(r.body, r.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };
    receiver.check = verified;

    // How many of an event's delivery workflows exist (the Temporal server may be down: null).
    const startsMade = async (eventId: string): Promise<number | null> => {
      const connection = await Connection.connect({ address: temporal.address }).catch(() => null);
      if (!connection) return null;
      try {
        const client = new Client({ connection });
        const found = await Promise.all(
          webhooks.map((w) =>
            client.workflow
              .getHandle(WorkflowIds.webhookDelivery(eventId, w.id))
              .describe()
              .then(() => 1)
              .catch(() => 0),
          ),
        );
        return found.reduce<number>((a, b) => a + b, 0);
      } finally {
        await connection.close();
      }
    };
    // The API is killed 0 to 40 ms into accepting these events: before, between or after the starts.
    const killAt = new Set(
      Array.from({ length: API_KILLS }, (_, k) => Math.floor(((k + 0.5) * EVENTS) / API_KILLS)),
    );
    const apiKills: { startsMadeBeforeRepeat: number | null; answered: number | null }[] = [];

    // Each event is sent until accepted, under its own idempotency key: a resend is the same event.
    const sent = new Map<string, string>();
    // Every answer but the 202s, by status (`cut`: the connection ended without one).
    const refusals: Record<string, number> = {};
    const sending = (async () => {
      for (let i = 0; i < EVENTS; i++) {
        const key = `fault-${i}`;
        const send = () =>
          as
            .post(`/v1/applications/${app.id}/events`, {
              eventType: 'APPLICANT_COMPLETED',
              data: { applicantId: `appl_${i}` },
              idempotencyKey: key,
            })
            .then(
              (res) => res,
              () => null,
            );
        if (killAt.has(i)) {
          const answer = send();
          await sleep(Math.random() * 40);
          api.child.kill('SIGKILL');
          const answered = (await answer)?.status ?? null;
          await api.exited;
          const eventId = resourceId('evt', { scope: app.id, key });
          apiKills.push({ startsMadeBeforeRepeat: await startsMade(eventId), answered });
          await startApiProcess();
        }
        for (;;) {
          const res = await send();
          if (res?.status === 202) {
            sent.set(key, res.body.eventId);
            break;
          }
          const status = String(res?.status ?? 'cut');
          refusals[status] = (refusals[status] ?? 0) + 1;
          await sleep(250);
        }
        await sleep(SEND_SPREAD_MS / EVENTS); // events keep flowing through every fault below
      }
    })();

    const faults: string[] = [];
    for (let k = 0; k < WORKER_KILLS; k++) {
      await sleep(1_500 + Math.random() * 2_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
      faults.push('worker SIGKILL');
      await startWorkerProcess();
    }
    const port = Number(new URL(receiver.url).port);
    await receiver.stop();
    faults.push('receiver down (connection refused) 4 s');
    await sleep(4_000);
    const previous = receiver.allRequests();
    receiver = await Receiver.start({ port });
    receiver.previous = previous;
    receiver.check = verified;
    receiver.answer({ status: 500, body: 'fault' });
    faults.push('receiver answering 500 for 3 s');
    await sleep(3_000);
    receiver.answer({ hangMs: 3_000 });
    faults.push('receiver slow past the 2 s timeout for 3 s');
    await sleep(3_000);
    receiver.answer({ status: 200 });
    await temporal.process.stop(2_000);
    faults.push('Temporal stopped 3 s and restarted on its SQLite file');
    await sleep(3_000);
    temporal = await startTemporalDevServer({
      cli,
      port: temporal.port,
      dbFile: join(dir, 'temporal.sqlite'),
      logFile: join(dir, 'temporal.log'),
    });
    await ferret.process.stop(2_000);
    faults.push('FerretDB stopped 3 s and restarted (on its PostgreSQL, which kept running)');
    await sleep(3_000);
    ferret = await startOwnFerret(ferret.port);
    await sending;

    // Bounded wait: every (event, webhook) delivered with a valid signature, or recorded failed.
    const eventIds = new Set(sent.values());
    const expected = [...eventIds].flatMap((id) => webhooks.map((w) => `${id}:${w.id}`));
    const deliveryOf = (r: { path: string; headers: Record<string, unknown> }) =>
      `${String(r.headers['webhook-id'])}:${webhookAt(r.path)?.id}`;
    const outcome = async () => {
      const delivered = new Set<string>();
      let badSignatures = 0;
      for (const r of receiver.allRequests()) {
        if (r.verdict) delivered.add(deliveryOf(r));
        else badSignatures++;
      }
      const failed = await failedDeliveryKeys(as, app.id);
      const missing = expected.filter((id) => !delivered.has(id) && !failed.has(id));
      return { delivered, failed, badSignatures, missing: missing.length, sample: missing.slice(0, 3) };
    };
    const settled = await pollUntil(
      outcome,
      (o) => expected.every((id) => o.delivered.has(id) || o.failed.has(id)),
      {
        timeoutMs: 300_000,
        intervalMs: 2_000,
      },
    );

    const requests = receiver.allRequests();
    const received = new Set(requests.map(deliveryOf));
    const wanted = new Set(expected);
    const report = {
      sent: eventIds.size,
      deliveries: expected.length,
      delivered: expected.filter((id) => settled.delivered.has(id)).length,
      recordedFailed: expected.filter((id) => !settled.delivered.has(id) && settled.failed.has(id)).length,
      lost: expected.filter((id) => !settled.delivered.has(id) && !settled.failed.has(id)).length,
      unexpected: settled.badSignatures + [...received].filter((id) => !wanted.has(id)).length,
      duplicatesReceived: requests.length - received.size,
      attemptsRecorded: await countAttempts(as, app.id),
      requestsReceived: requests.length,
      // Per kill: the request's answer (null: cut) and how many of its starts it had made.
      apiKills,
      refusals,
      faults,
    };
    process.stdout.write(`fault suite: ${JSON.stringify(report)}\n`);
    expect(report.lost).toBe(0);
    expect(report.unexpected).toBe(0);
    expect(report.sent).toBe(EVENTS);
    expect(apiKills).toHaveLength(API_KILLS);
    // A dependency stopped is a 503 to retry, never the API's own 500.
    expect(refusals['500']).toBeUndefined();
  }, 900_000);
});

/** Attempts recorded for the application's deliveries, every page. */
async function countAttempts(as: ReturnType<ApiClient['as']>, appId: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const page: { body: { items: { attemptCount: number }[]; nextCursor: string | null } } = await as.get(
      `/v1/applications/${appId}/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    total += page.body.items.reduce((sum, d) => sum + d.attemptCount, 0);
    cursor = page.body.nextCursor;
  } while (cursor);
  return total;
}
