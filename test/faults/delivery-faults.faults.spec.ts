import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Webhook } from 'standardwebhooks';
import { serverBinaries } from '../../scripts/stack/binaries';
import type { FerretDb } from '../../scripts/stack/ferretdb';
import { Postgres, startPostgres } from '../../scripts/stack/postgres';
import { TemporalDevServer, startTemporalDevServer } from '../../scripts/stack/temporal-server';
import { ApiClient } from '../support/api-client';
import { startApi } from '../support/app';
import { ownFerretDb } from '../support/own-ferretdb';
import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { addWebhook, tenantWithApplication } from '../support/webhooks';

/**
 * The fault suite: N events flow while the worker is SIGKILLed, the receiver refuses, fails and
 * hangs, and the Temporal server and FerretDB are stopped and restarted. At the end every event is
 * delivered (with a valid signature) or recorded failed: nothing lost, nothing unexpected.
 * `npm run test:faults` runs it with FAULT_EVENTS=1000; the normal run with fewer.
 */
const EVENTS = Number(process.env.FAULT_EVENTS ?? 150);
const WORKER_KILLS = Number(process.env.FAULT_WORKER_KILLS ?? 3);
const SEND_SPREAD_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault suite', () => {
  const dir = join(process.env.TEST_WORK_DIR!, `faults-${randomBytes(3).toString('hex')}`);
  let startOwnFerret: ReturnType<typeof ownFerretDb>;
  let postgres: Postgres;
  let temporal: TemporalDevServer;
  let ferret: FerretDb;
  let api: NestExpressApplication;
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
    api = await startApi(env());
    receiver = await Receiver.start();
    await startWorkerProcess();
  }, 120_000);

  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await receiver?.stop();
    await api?.close();
    await Promise.all([temporal?.process.stop(2_000), ferret?.process.stop(2_000)]);
    await postgres?.process.stop(5_000);
  });

  it(`loses no event among ${EVENTS} while things break`, async () => {
    const { app, as } = await tenantWithApplication(new ApiClient(api));
    const webhook = await addWebhook(as, app.id, {
      url: receiver.url,
      retryPolicy: { schedule: ['PT1S', 'PT2S', 'PT4S', 'PT8S', 'PT15S', 'PT30S', 'PT30S', 'PT30S'] },
    });

    // Signatures are checked as requests arrive: a verifier refuses timestamps older than 5 minutes.
    const verifier = new Webhook(webhook.secret);
    const verified = (r: { body: string; headers: Record<string, unknown> }) => {
      try {
        verifier.verify(r.body, r.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };
    receiver.check = verified;

    // Each event is sent until accepted, under its own idempotency key: a resend is the same event.
    const sent = new Map<string, string>();
    const sending = (async () => {
      for (let i = 0; i < EVENTS; i++) {
        const key = `fault-${i}`;
        for (;;) {
          const res = await as
            .post(`/v1/applications/${app.id}/events`, {
              eventType: 'APPLICANT_COMPLETED',
              data: { applicantId: `appl_${i}` },
              idempotencyKey: key,
            })
            .catch(() => null);
          if (res?.status === 202) {
            sent.set(key, res.body.eventId);
            break;
          }
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

    // Bounded wait: every event delivered with a valid signature, or its delivery recorded failed.
    const eventIds = new Set(sent.values());
    const outcome = async () => {
      const delivered = new Set<string>();
      let badSignatures = 0;
      for (const r of receiver.allRequests()) {
        if (r.verdict) delivered.add(String(r.headers['webhook-id']));
        else badSignatures++;
      }
      const failed = new Set<string>();
      let cursor: string | null = null;
      do {
        const res: { body?: { items?: { eventId: string }[]; nextCursor?: string | null } } | null = await as
          .get(
            `/v1/applications/${app.id}/webhooks/failed-deliveries?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          )
          .catch(() => null);
        for (const item of res?.body?.items ?? []) failed.add(item.eventId);
        cursor = res?.body?.nextCursor ?? null;
      } while (cursor);
      const missing = [...eventIds].filter((id) => !delivered.has(id) && !failed.has(id));
      return { delivered, failed, badSignatures, missing: missing.length, sample: missing.slice(0, 3) };
    };
    const settled = await pollUntil(
      outcome,
      (o) => [...eventIds].every((id) => o.delivered.has(id) || o.failed.has(id)),
      {
        timeoutMs: 300_000,
        intervalMs: 2_000,
      },
    );

    const requests = receiver.allRequests();
    const received = new Set(requests.map((r) => String(r.headers['webhook-id'])));
    const report = {
      sent: eventIds.size,
      delivered: [...eventIds].filter((id) => settled.delivered.has(id)).length,
      recordedFailed: [...eventIds].filter((id) => !settled.delivered.has(id) && settled.failed.has(id))
        .length,
      lost: [...eventIds].filter((id) => !settled.delivered.has(id) && !settled.failed.has(id)).length,
      unexpected: settled.badSignatures + [...received].filter((id) => !eventIds.has(id)).length,
      duplicatesReceived:
        requests.filter((r) => r.headers['webhook-id'] && received.has(String(r.headers['webhook-id'])))
          .length - received.size,
      attemptsRecorded: await countAttempts(as, app.id),
      requestsReceived: requests.length,
      faults,
    };
    process.stdout.write(`fault suite: ${JSON.stringify(report)}\n`);
    expect(report.lost).toBe(0);
    expect(report.unexpected).toBe(0);
    expect(report.sent).toBe(EVENTS);
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
