/**
 * Benchmark 3: the events route under a fixed-concurrency load, against a no-op route of the same
 * app (GET /v1/health: no database, no Temporal), and against the floor under it: bare workflow
 * starts on the same Temporal. Requests per second and p99 of each, and the p99 ratio.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import autocannon from 'autocannon';
import { baselineAccept } from './baseline/workflows';
import { BASELINE_QUEUE, startBaselineBench } from './lib/stack';
import { median, percentile, printTable, writeResult } from './lib/stats';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BARE = 'bare Temporal start (floor)';

function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

/**
 * The floor under intake: bare workflow starts from CONNECTIONS concurrent callers for SECONDS, on
 * the same server, of a workflow that does nothing (the baseline worker runs it).
 */
async function bareStarts(client: Client): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const prefix = randomBytes(4).toString('hex');
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const at = performance.now();
        await client.workflow.start(baselineAccept, {
          taskQueue: BASELINE_QUEUE,
          workflowId: `baseline-accept:${prefix}-${n++}`,
        });
        latencies.push(performance.now() - at);
      }
    }),
  );
  return {
    perSecond: (latencies.length / (performance.now() - started)) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export async function intake(): Promise<void> {
  // Accepting an event to one webhook is starting its delivery workflow. The worker runs, as in
  // production, and delivers each to a receiver on loopback (an event no webhook takes starts
  // nothing: it would not measure intake).
  const bench = await startBaselineBench();
  const { stack, client, app } = bench;
  try {
    const events = {
      method: 'POST' as const,
      headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventType: 'APPLICANT_COMPLETED',
        data: { applicantId: 'appl_bench', status: 'GREEN' },
      }),
    };
    await load(`${stack.api}/applications/${app.appId}/events`, { ...events, duration: 3 }); // warm-up
    await load(`${stack.api}/health`, { duration: 3 });
    const rows: Record<string, string | number>[] = [];
    const cpuRows: Record<string, string | number>[] = [];
    const cpu = stack.cpuMeter();
    for (let run = 1; run <= RUNS; run++) {
      cpu.begin();
      const route = await load(`${stack.api}/applications/${app.appId}/events`, events);
      cpuRows.push({ run, load: 'POST /events', ...cpu.end() });
      const noop = await load(`${stack.api}/health`, {});
      if (route.non2xx > 0 || route.errors > 0)
        throw new Error(`events route: ${route.non2xx} non-2xx, ${route.errors} errors`);
      rows.push(
        {
          run,
          route: 'POST /events',
          'req/s': route.requests.average,
          'p50 ms': route.latency.p50,
          'p99 ms': route.latency.p99,
        },
        {
          run,
          route: 'GET /health (no-op)',
          'req/s': noop.requests.average,
          'p50 ms': noop.latency.p50,
          'p99 ms': noop.latency.p99,
        },
      );
    }
    // After the events runs: the starts it makes stay in the server and would slow the runs after them.
    for (let run = 1; run <= RUNS; run++) {
      cpu.begin();
      const bare = await bareStarts(client);
      // Whether the floor's workflows ran meanwhile, or only their starts did: the baseline worker's share.
      cpuRows.push({ run, load: BARE, ...cpu.end() });
      rows.push({ run, route: BARE, 'req/s': bare.perSecond, 'p50 ms': bare.p50, 'p99 ms': bare.p99 });
    }
    const pick = (name: string, key: string) =>
      median(rows.filter((r) => r.route === name).map((r) => Number(r[key])));
    const summary = {
      connections: CONNECTIONS,
      seconds: SECONDS,
      runs: RUNS,
      events: { perSecond: pick('POST /events', 'req/s'), p99: pick('POST /events', 'p99 ms') },
      noop: { perSecond: pick('GET /health (no-op)', 'req/s'), p99: pick('GET /health (no-op)', 'p99 ms') },
      bareTemporalStarts: { perSecond: pick(BARE, 'req/s'), p99: pick(BARE, 'p99 ms') },
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
      },
    ]);
    printTable('CPU per process under each load (seconds, share of one core)', cpuRows);
    process.stdout.write(`figures: ${writeResult('intake', { ...summary, p99Ratio, cpu: cpuRows })}\n`);
  } finally {
    await bench.stop();
  }
}
