/**
 * Benchmark 5: soak. Steady traffic for SOAK_MINUTES to an application with three webhooks: one
 * receiver answering 200, one failing a share of its requests (retried on a short schedule), one
 * refusing connections (every delivery ends in the failed view). The worker's and the API's memory
 * (RSS) is sampled every SOAK_SAMPLE_SECONDS; after the warm-up it should stay flat within 10 %.
 */
import { readFileSync } from 'node:fs';
import { freePort } from '../scripts/stack/ports';
import { Receiver } from '../test/support/receiver';
import { benchApplication, call, sendEvent, startBenchStack } from './lib/stack';
import { printTable, writeResult } from './lib/stats';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? 5);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60);
// Events per second. The embedded stack sustains 0.5 for 30 minutes; at 1, FerretDB's full-scan
// updates fall behind after ~18 minutes and the backlog (and the worker's memory with it) grows.
const RATE = Number(process.env.SOAK_RATE ?? 0.5);
const FAIL_SHARE = Number(process.env.SOAK_FAIL_SHARE ?? 0.5);
const MAX_IN_FLIGHT = 64;

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  return kb / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** (max - min) / min over the samples: how far memory moved. */
const spread = (values: number[]) => (Math.max(...values) - Math.min(...values)) / Math.min(...values);

/** Least-squares slope of y over x: the trend under the garbage collector's ups and downs. */
function slope(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const num = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function soak(): Promise<void> {
  const stack = await startBenchStack();
  const ok = await Receiver.start({ keepRequests: false });
  const flaky = await Receiver.start({ failShare: FAIL_SHARE, keepRequests: false });
  const deadUrl = `http://127.0.0.1:${await freePort()}/hook`; // nothing listens there
  try {
    const app = await benchApplication(stack);
    const shortRetries = { schedule: ['PT2S', 'PT5S'] };
    for (const [name, url] of [
      ['ok', ok.url],
      ['flaky', flaky.url],
      ['refusing', deadUrl],
    ]) {
      await call(stack, 'POST', `/applications/${app.appId}/webhooks`, app.token, {
        name,
        url,
        retryPolicy: shortRetries,
      });
    }
    const pids = {
      worker: stack.processes.get('worker')?.child.pid,
      api: stack.processes.get('api')?.child.pid,
      temporal: stack.processes.get('temporal')?.child.pid,
      ferretdb: stack.processes.get('ferretdb')?.child.pid,
    };
    process.stdout.write(
      `soak: ${MINUTES} min at ${RATE} events/s, 3 webhooks (ok, ${FAIL_SHARE * 100} % failing, refusing); ` +
        `RSS every ${SAMPLE_SECONDS} s, warm-up ${WARMUP_MINUTES} min\n`,
    );

    let sent = 0;
    let rejected = 0;
    const inFlight = new Set<Promise<void>>();
    const sendOne = (i: number) => {
      const request = sendEvent(stack, app, i, i % 7 === 0 ? 'RED' : 'GREEN').then(
        () => void sent++,
        () => void rejected++,
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    };

    const samples: Record<string, number>[] = [];
    const started = performance.now();
    const end = started + MINUTES * 60_000;
    let nextSample = started;
    let nextEvent = started;
    let i = 0;
    while (performance.now() < end) {
      const now = performance.now();
      if (now >= nextSample) {
        samples.push({
          minute: (now - started) / 60_000,
          'events accepted': sent,
          'received ok': ok.received.size,
          backlog: sent - ok.received.size,
          'flaky requests': flaky.requestCount,
          'worker MB': rssMb(pids.worker),
          'api MB': rssMb(pids.api),
          'temporal MB': rssMb(pids.temporal),
          'ferretdb MB': rssMb(pids.ferretdb),
        });
        const last = samples[samples.length - 1];
        process.stdout.write(
          `${Object.entries(last)
            .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`)
            .join(', ')}\n`,
        );
        nextSample += SAMPLE_SECONDS * 1000;
      }
      if (inFlight.size < MAX_IN_FLIGHT) sendOne(i++);
      nextEvent += 1000 / RATE;
      await sleep(Math.min(nextEvent, nextSample) - performance.now());
    }
    await Promise.all(inFlight);

    const settled = samples.filter((s) => s.minute >= WARMUP_MINUTES);
    const summary = {
      minutes: MINUTES,
      warmupMinutes: WARMUP_MINUTES,
      ratePerSecond: RATE,
      failShare: FAIL_SHARE,
      eventsAccepted: sent,
      eventsRejected: rejected,
      receivedOk: ok.received.size,
      flakyRequests: flaky.requestCount,
      flakyRefused: flaky.refused,
      workerSpread: spread(settled.map((s) => s['worker MB'])),
      apiSpread: spread(settled.map((s) => s['api MB'])),
      workerMbPer10Min:
        10 *
        slope(
          settled.map((s) => s.minute),
          settled.map((s) => s['worker MB']),
        ),
      apiMbPer10Min:
        10 *
        slope(
          settled.map((s) => s.minute),
          settled.map((s) => s['api MB']),
        ),
      samples,
    };
    printTable(`Soak: all samples (RSS in MB, minute ${WARMUP_MINUTES}+ counts as settled)`, samples);
    printTable('Memory after warm-up ((max - min) / min; target at most 0.10)', [
      {
        'worker spread': summary.workerSpread,
        'api spread': summary.apiSpread,
        'worker trend MB/10 min': summary.workerMbPer10Min,
        'api trend MB/10 min': summary.apiMbPer10Min,
        'worker MB min..max': `${Math.min(...settled.map((s) => s['worker MB'])).toFixed(0)}..${Math.max(...settled.map((s) => s['worker MB'])).toFixed(0)}`,
        'api MB min..max': `${Math.min(...settled.map((s) => s['api MB'])).toFixed(0)}..${Math.max(...settled.map((s) => s['api MB'])).toFixed(0)}`,
        'events accepted': sent,
        rejected,
      },
    ]);
    process.stdout.write(`figures: ${writeResult('soak', summary)}\n`);
  } finally {
    await ok.stop();
    await flaky.stop();
    await stack.stop();
  }
}
