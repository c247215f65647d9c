/**
 * Benchmark 3: the events route under a fixed-concurrency load, with the worker delivering on the
 * same cores and with it stopped (the API's path alone, as where the worker runs elsewhere); against
 * a no-op route of the same app (GET /v1/health: no database, no Temporal), and against the floors
 * under it on the same Temporal: bare starts of a workflow that does nothing, and bare starts of the
 * product's own shape (one workflow task, the same POST to the same receiver as a local activity).
 * Requests per second and p99 of each, the p99 ratio, and the CPU of every process under each load.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import autocannon from 'autocannon';
import { baselineAccept, oneTaskDelivery } from './baseline/workflows';
import { CpuMeter, stackSeconds } from './lib/cpu';
import { BASELINE_QUEUE, BenchStack, startBaselineBench } from './lib/stack';
import { median, percentile, printTable, writeResult } from './lib/stats';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BARE = 'bare Temporal start (floor)';
const BARE_DELIVERED = 'bare start, delivered (one-task)';
const EVENTS = 'POST /events';
const EVENTS_WORKER_APART = 'POST /events, worker stopped';
const NOOP = 'GET /health (no-op)';

function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

/**
 * A floor under intake: bare workflow starts from CONNECTIONS concurrent callers for SECONDS, on
 * the same server, run by the baseline worker: `baselineAccept` (does nothing), or with `post`
 * the one-task delivery of a message to the receiver.
 */
async function bareStarts(
  client: Client,
  post?: { url: string; body: string },
): Promise<{ count: number; perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const prefix = randomBytes(4).toString('hex');
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const at = performance.now();
        const id = `${prefix}-${n++}`;
        await (post
          ? client.workflow.start(oneTaskDelivery, {
              taskQueue: BASELINE_QUEUE,
              workflowId: `${oneTaskDelivery.name}:${id}`,
              args: [post.url, id, post.body],
            })
          : client.workflow.start(baselineAccept, {
              taskQueue: BASELINE_QUEUE,
              workflowId: `${baselineAccept.name}:${id}`,
            }));
        latencies.push(performance.now() - at);
      }
    }),
  );
  return {
    count: latencies.length,
    perSecond: (latencies.length / (performance.now() - started)) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** Quiet: all the stack's processes together (not this one) under a quarter of a core for a second. */
const QUIET_CORES = 0.25;

/** Waits, at most two minutes (then says so and goes on), until the stack is quiet. */
async function settled(stack: BenchStack): Promise<void> {
  const meter = stack.cpuMeter();
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    meter.begin();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const reading = meter.endSeconds();
    if (stackSeconds(reading) / reading.wallSeconds < QUIET_CORES) return;
  }
  process.stdout.write('the stack was still busy after 2 minutes: measuring anyway\n');
}

export async function intake(): Promise<void> {
  // Accepting an event to one webhook is starting its delivery workflow. The worker runs, as in
  // production, and delivers each to a receiver on loopback (an event no webhook takes starts
  // nothing: it would not measure intake).
  const bench = await startBaselineBench();
  const { stack, client, app, receiver } = bench;
  try {
    const events = {
      method: 'POST' as const,
      headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventType: 'APPLICANT_COMPLETED',
        data: { applicantId: 'appl_bench', status: 'GREEN' },
      }),
    };
    const eventsUrl = `${stack.api}/applications/${app.appId}/events`;
    await load(eventsUrl, { ...events, duration: 3 });
    await load(`${stack.api}/health`, { duration: 3 });
    const rows: Record<string, string | number>[] = [];
    const cpuRows: Record<string, string | number>[] = [];
    const cpu = stack.cpuMeter();
    // The CPU of every process under a load, and per request all but the benchmark's own.
    const cpuRow = (run: number, load: string, requests: number) => {
      const reading = cpu.endSeconds();
      cpuRows.push({
        run,
        load,
        ...CpuMeter.shown(reading),
        'ms/request': (stackSeconds(reading) / requests) * 1000,
      });
    };
    const worker = stack.processes.get('worker')!.child;
    const routeRun = async (run: number, name: string, url: string, options: Partial<autocannon.Options>) => {
      cpu.begin();
      const result = await load(url, options);
      cpuRow(run, name, result.requests.total);
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      rows.push({
        run,
        route: name,
        'req/s': result.requests.average,
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
      });
    };
    // Every measured run starts on a quiet stack (settled): what the runs before it left in
    // flight (deliveries, workflows in Temporal's queues) would otherwise weigh on it.
    for (let run = 1; run <= RUNS; run++) {
      await settled(stack);
      await routeRun(run, EVENTS, eventsUrl, events);
      await routeRun(run, NOOP, `${stack.api}/health`, {});
    }
    // The API's path alone, as where the worker runs on other cores (production): the worker is
    // stopped (SIGSTOP) while the load runs and delivers afterwards.
    for (let run = 1; run <= RUNS; run++) {
      await settled(stack);
      worker.kill('SIGSTOP');
      try {
        await routeRun(run, EVENTS_WORKER_APART, eventsUrl, events);
      } finally {
        worker.kill('SIGCONT');
      }
    }
    const floors = [
      { name: BARE, post: undefined },
      { name: BARE_DELIVERED, post: { url: receiver.url, body: events.body } },
    ];
    for (const { name, post } of floors) {
      for (let run = 1; run <= RUNS; run++) {
        await settled(stack);
        cpu.begin();
        const bare = await bareStarts(client, post);
        // Whether the floor's workflows ran meanwhile, or only their starts did: the baseline worker's share.
        cpuRow(run, name, bare.count);
        rows.push({ run, route: name, 'req/s': bare.perSecond, 'p50 ms': bare.p50, 'p99 ms': bare.p99 });
      }
    }
    const pick = (name: string, key: string) =>
      median(rows.filter((r) => r.route === name).map((r) => Number(r[key])));
    const summary = {
      connections: CONNECTIONS,
      seconds: SECONDS,
      runs: RUNS,
      events: { perSecond: pick(EVENTS, 'req/s'), p99: pick(EVENTS, 'p99 ms') },
      eventsWorkerApart: {
        perSecond: pick(EVENTS_WORKER_APART, 'req/s'),
        p99: pick(EVENTS_WORKER_APART, 'p99 ms'),
      },
      noop: { perSecond: pick(NOOP, 'req/s'), p99: pick(NOOP, 'p99 ms') },
      bareTemporalStarts: { perSecond: pick(BARE, 'req/s'), p99: pick(BARE, 'p99 ms') },
      bareDeliveredStarts: { perSecond: pick(BARE_DELIVERED, 'req/s'), p99: pick(BARE_DELIVERED, 'p99 ms') },
    };
    const p99Ratio = summary.events.p99 / summary.noop.p99;
    printTable(`Intake under load (${CONNECTIONS} connections, ${SECONDS} s, ${RUNS} runs)`, rows);
    printTable('Medians', [
      {
        'events req/s': summary.events.perSecond,
        'no-op req/s': summary.noop.perSecond,
        'p99 events ms': summary.events.p99,
        'p99 no-op ms': summary.noop.p99,
        'p99 ratio': p99Ratio,
        'bare starts/s': summary.bareTemporalStarts.perSecond,
        'bare p99 ms': summary.bareTemporalStarts.p99,
        'events / bare': summary.events.perSecond / summary.bareTemporalStarts.perSecond,
        'delivered starts/s': summary.bareDeliveredStarts.perSecond,
        'delivered p99 ms': summary.bareDeliveredStarts.p99,
        'events / delivered': summary.events.perSecond / summary.bareDeliveredStarts.perSecond,
        'worker stopped req/s': summary.eventsWorkerApart.perSecond,
        'worker stopped p99 ms': summary.eventsWorkerApart.p99,
        'worker stopped / bare': summary.eventsWorkerApart.perSecond / summary.bareTemporalStarts.perSecond,
      },
    ]);
    printTable(
      'CPU per process under each load (seconds, share of one core; ms per request: all but the benchmark)',
      cpuRows,
    );
    process.stdout.write(`figures: ${writeResult('intake', { ...summary, p99Ratio, cpu: cpuRows })}\n`);
  } finally {
    await bench.stop();
  }
}
