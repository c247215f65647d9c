import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../libs/common/free-port';
import { bundleWorkflows } from '../../libs/temporal/workflow-bundle';
import { Servers, startServers } from '../../scripts/stack/service-stack';
import { ApiClient } from '../support/api-client';
import { pollUntil } from '../support/poll';
import { Receiver } from '../support/receiver';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { addWebhook, failedDeliveryKeys, tenantWithApplication } from '../support/webhooks';

/**
 * The production topology, run for real (`npm run test:cluster`): the Temporal server built from
 * its Go module on PostgreSQL, set up by deploy/temporal/setup.sh, its frontend, two history hosts,
 * matching and internal worker each a process; FerretDB on the same PostgreSQL; 2 API processes
 * and 3 worker processes. CLUSTER_EVENTS events (1,000) are sent round-robin through both APIs
 * while a history host, the matching host, a worker (for good) and an API are SIGKILLed. At the end
 * every (event, webhook) is delivered with a valid signature or recorded failed: nothing lost.
 */
const EVENTS = Number(process.env.CLUSTER_EVENTS ?? 1000);
const SEND_SPREAD_MS = Number(process.env.CLUSTER_SEND_SPREAD_MS ?? 60_000);
const WEBHOOKS = 1;
const PROBES = 8;
const CUT_REQUESTS = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

describe('production topology: Temporal services apart, 2 APIs, 3 workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'applications-webhooks-cluster-'));
  let servers: Servers;
  const apis: { port: number; process?: ServiceProcess }[] = [];
  const workers: { metricsPort: number; process: ServiceProcess; attemptsAtKill?: number }[] = [];
  let receiver: Receiver;
  let env: Record<string, string>;

  const startApi = async (n: number) => {
    const api = startServiceProcess('api', { ...env, PORT: String(apis[n].port) });
    apis[n].process = api;
    await api.waitFor(/API listening on/, 120_000);
  };
  const startWorker = async () => {
    const metricsPort = await freePort();
    const worker = startServiceProcess('worker', { ...env, WORKER_METRICS_PORT: String(metricsPort) });
    workers.push({ metricsPort, process: worker });
    await worker.waitFor(/Worker polling task queue/, 120_000);
  };

  beforeAll(async () => {
    const [started] = await Promise.all([
      startServers({
        logDir: dir,
        ferretdb: { dataDir: join(dir, 'ferretdb') },
        temporalCluster: { historyHosts: 2 },
      }),
      bundleWorkflows(join(dir, 'workflow-bundle.js')),
    ]);
    servers = started;
    env = {
      TEMPORAL_ADDRESS: servers.temporalAddress,
      MONGODB_URI: `${servers.mongodbUri}/test_cluster`,
      TEMPORAL_WORKFLOW_BUNDLE: join(dir, 'workflow-bundle.js'),
      // setup.sh registered the search attributes; the service must not need to.
      TEMPORAL_REGISTER_SEARCH_ATTRIBUTES: 'false',
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_TIMEOUT_MS: '2000',
      DATA_RETENTION_EVERY: 'P365D',
      LOG_LEVEL: 'info',
    };
    process.env.ADMIN_TOKEN = env.ADMIN_TOKEN;
    apis.push({ port: await freePort() }, { port: await freePort() });
    receiver = await Receiver.start();
    // One worker first: it sets up the schedules and indexes; then the rest at once.
    await startWorker();
    await Promise.all([startApi(0), startApi(1), startWorker(), startWorker()]);
  }, 900_000);

  afterAll(async () => {
    for (const p of [...apis.map((a) => a.process), ...workers.map((w) => w.process)])
      p?.child.kill('SIGKILL');
    await receiver?.stop();
    await servers?.temporalCluster?.stop();
    await Promise.all((servers?.processes ?? []).map((p) => p.stop(5_000)));
    process.stdout.write(`cluster logs in ${dir}\n`);
  }, 60_000);

  it(`delivers ${EVENTS} events through both APIs while hosts die, and loses none`, async () => {
    const client = (n: number) => new ApiClient(`http://127.0.0.1:${apis[n].port}`);
    const { app, workspace } = await tenantWithApplication(client(0));
    const as = (n: number) => client(n).as(workspace.apiToken);
    const webhooks = await Promise.all(
      Array.from({ length: WEBHOOKS }, (_, n) =>
        addWebhook(as(n % 2), app.id, {
          name: `cluster ${n}`,
          url: `${receiver.url}/${n}`,
          retryPolicy: { schedule: ['PT1S', 'PT2S', 'PT4S', 'PT8S', 'PT15S', 'PT30S', 'PT30S', 'PT30S'] },
        }),
      ),
    );
    const webhookAt = (path: string) => webhooks[Number(path.split('/').pop())];
    receiver.check = (r) => {
      try {
        new Webhook(webhookAt(r.path).secret).verify(r.body, r.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };
    const receivedAt = (eventId: string) =>
      receiver.allRequests().find((r) => r.verdict && r.headers['webhook-id'] === eventId);

    // Sent round-robin through the APIs that are up; a request cut or refused goes to the next,
    // under the same idempotency key, as a caller behind a balancer retries.
    const down = new Set<number>();
    let next = 0;
    const send = async (key: string, data: Record<string, unknown>): Promise<string> => {
      for (;;) {
        const n = next++ % apis.length;
        if (down.has(n)) continue;
        const res = await as(n)
          .post(`/v1/applications/${app.id}/events`, {
            eventType: 'APPLICANT_COMPLETED',
            data,
            idempotencyKey: key,
          })
          .then(
            (r) => r,
            () => null,
          );
        if (res?.status === 202) return res.body.eventId as string;
        await sleep(100);
      }
    };
    const sent = new Map<string, string>();
    const sendOne = async (i: number) =>
      sent.set(`cluster-${i}`, await send(`cluster-${i}`, { applicantId: `appl_${i}` }));

    // The scenario first, through both APIs, with the whole cluster up.
    for (let i = 0; i < 4; i++) await sendOne(i);
    await pollUntil(
      async () => [...sent.values()].every((id) => receivedAt(id)),
      (all) => all,
      { timeoutMs: 60_000 },
    );

    // Probes sent as a host dies, 8 events that land on different history shards: how long until
    // the cluster delivers all of them again.
    const recovery: Record<string, number> = {};
    const probe = async (fault: string) => {
      const at = Date.now();
      const probes = await Promise.all(
        Array.from({ length: PROBES }, async (_, n) => {
          const eventId = await send(`probe-${fault}-${n}`, { applicantId: `probe_${fault}_${n}` });
          sent.set(`probe-${fault}-${n}`, eventId);
          return eventId;
        }),
      );
      await pollUntil(
        async () => probes.every((eventId) => receivedAt(eventId)),
        (all) => all,
        { timeoutMs: 180_000, intervalMs: 200 },
      );
      recovery[fault] = seconds(Date.now() - at);
    };
    const apiKill = { answered: 0, cut: 0, acceptedAfterS: 0 };

    const sending = (async () => {
      for (let i = 4; i < EVENTS; i++) {
        await sendOne(i);
        await sleep(SEND_SPREAD_MS / EVENTS);
      }
    })();
    // Each fault when a share of the events has been sent: events flow through every one.
    const whenSent = (share: number) =>
      pollUntil(
        async () => sent.size,
        (n) => n >= EVENTS * share,
        { timeoutMs: 600_000, intervalMs: 100 },
      );
    const faults: string[] = [];
    const cluster = servers.temporalCluster!;
    /** A Temporal host SIGKILLed while events flow, started again 5 s later. */
    const killAndRestart = async (host: string) => {
      await cluster.kill(host);
      faults.push(`${host} SIGKILL, restarted after 5 s`);
      const probed = probe(host);
      await sleep(5_000);
      await cluster.restart(host);
      await probed;
    };
    await whenSent(0.1);
    await killAndRestart('history-1');
    await whenSent(0.35);
    await killAndRestart('matching');

    await whenSent(0.55);
    const doomed = workers[2];
    doomed.attemptsAtKill = await attemptsOf(doomed.metricsPort);
    doomed.process.child.kill('SIGKILL');
    await doomed.process.exited;
    faults.push('worker 3 SIGKILL, for good');
    await probe('worker-3');

    // An API killed with requests in flight: 16 sent to it at once, the kill a few ms later. Each
    // one not answered 202 is repeated, with its idempotency key, through the other API.
    await whenSent(0.75);
    const cutAt = Date.now();
    const burst = Array.from({ length: CUT_REQUESTS }, (_, n) => `cluster-cut-${n}`);
    const answers = burst.map((key) =>
      as(1)
        .post(`/v1/applications/${app.id}/events`, {
          eventType: 'APPLICANT_COMPLETED',
          data: { applicantId: key },
          idempotencyKey: key,
        })
        .then(
          (r) => r.status,
          () => null,
        ),
    );
    await sleep(5 + Math.random() * 25);
    down.add(1);
    apis[1].process!.child.kill('SIGKILL');
    const statuses = await Promise.all(answers);
    apiKill.answered = statuses.filter((status) => status === 202).length;
    apiKill.cut = statuses.length - apiKill.answered;
    await Promise.all(burst.map(async (key) => sent.set(key, await send(key, { applicantId: key }))));
    apiKill.acceptedAfterS = seconds(Date.now() - cutAt);
    faults.push('api 2 SIGKILL mid-request, restarted');
    await apis[1].process!.exited;
    await startApi(1);
    down.delete(1);
    await sending;

    // Bounded wait: every (event, webhook) delivered with a valid signature, or recorded failed.
    const expected = [...new Set(sent.values())].flatMap((id) => webhooks.map((w) => `${id}:${w.id}`));
    const deliveryOf = (r: { path: string; headers: Record<string, unknown> }) =>
      `${String(r.headers['webhook-id'])}:${webhookAt(r.path)?.id}`;
    const drainStart = Date.now();
    const settled = await pollUntil(
      async () => {
        const delivered = new Set(
          receiver
            .allRequests()
            .filter((r) => r.verdict)
            .map(deliveryOf),
        );
        const failed = await failedDeliveryKeys(as(0), app.id);
        return { delivered, failed, open: expected.filter((id) => !delivered.has(id) && !failed.has(id)) };
      },
      (o) => o.open.length === 0,
      { timeoutMs: 600_000, intervalMs: 2_000 },
    );

    const requests = receiver.allRequests();
    const received = new Set(requests.map(deliveryOf));
    const wanted = new Set(expected);
    const shares = await Promise.all(
      workers.map(async (w) => w.attemptsAtKill ?? (await attemptsOf(w.metricsPort))),
    );
    const report = {
      sent: sent.size,
      deliveries: expected.length,
      delivered: expected.filter((id) => settled.delivered.has(id)).length,
      recordedFailed: expected.filter((id) => !settled.delivered.has(id) && settled.failed.has(id)).length,
      lost: settled.open.length,
      unexpected:
        requests.filter((r) => !r.verdict).length + [...received].filter((id) => !wanted.has(id)).length,
      duplicates: requests.length - received.size,
      attemptsByWorker: shares,
      recoverySeconds: {
        ...recovery,
        'api-2 (all its requests accepted through api 1)': apiKill.acceptedAfterS,
      },
      requestsToKilledApi: { answered: apiKill.answered, cutAndRepeated: apiKill.cut },
      drainedAfterSendingS: seconds(Date.now() - drainStart),
      faults,
    };
    process.stdout.write(`production topology: ${JSON.stringify(report)}\n`);
    // The run's last line (test/setup/summary-reporter.js prints it after jest's summary).
    appendFileSync(
      process.env.TEST_FINAL_LINES!,
      `sent ${report.sent}, delivered ${report.delivered}, lost ${report.lost}, unexpected ${report.unexpected}\n`,
    );
    expect(report.lost).toBe(0);
    expect(report.unexpected).toBe(0);
    expect(report.sent).toBe(EVENTS + 3 * PROBES + CUT_REQUESTS);
    // The work is shared: every worker made attempts, the one killed too before it died.
    for (const attempts of shares) expect(attempts).toBeGreaterThan(0);
  }, 1_800_000);
});

/** webhook_attempts_total of one worker process, from its /metrics. */
async function attemptsOf(metricsPort: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
  return text
    .split('\n')
    .filter((line) => line.startsWith('webhook_attempts_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}
