/**
 * Benchmark: ordered delivery per subject. N events to one webhook whose receiver answers 200 at
 * once, the events spread over 1, 10 and 100 subjects: deliveries/s with ordering `subject`
 * against the same webhook without ordering. Then one subject stuck (its first event failing,
 * its next attempt an hour away) while events about other subjects flow: their intake-to-receipt
 * latency with and without the stuck one, which should not differ.
 */
import { Receiver } from '../test/support/receiver';
import { pool } from '../libs/common/pool';
import { benchApplication, BenchStack, call, startBenchStack } from './lib/stack';
import { percentile, printTable, writeResult } from './lib/stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const SUBJECTS = (process.env.BENCH_SUBJECTS ?? '1,10,100').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STUCK_EVENTS = Number(process.env.BENCH_STUCK_EVENTS ?? 100);

type App = { token: string; appId: string };

async function webhook(stack: BenchStack, app: App, url: string, ordering: 'none' | 'subject') {
  await call(stack, 'POST', `/applications/${app.appId}/webhooks`, app.token, {
    name: `${ordering} ${url}`,
    url,
    ordering,
    retryPolicy: { schedule: ['PT1H'] },
  });
}

/** Sends the events (subject of each given), CONCURRENCY at a time; when each was sent, by event ID. */
async function send(stack: BenchStack, app: App, subjects: string[], data: object = {}) {
  const sent = new Map<string, number>();
  await pool(subjects, CONCURRENCY, async (subject) => {
    const at = performance.now();
    const { eventId } = await call<{ eventId: string }>(
      stack,
      'POST',
      `/applications/${app.appId}/events`,
      app.token,
      { eventType: 'APPLICANT_COMPLETED', subject, data: { applicantId: subject, ...data } },
    );
    sent.set(eventId, at);
  });
  return sent;
}

/** Deliveries/s from the first send to the last receipt, and latency percentiles (ms). */
async function received(receiver: Receiver, path: string, sent: Map<string, number>) {
  const keys = [...sent.keys()].map((id) => `${path}#${id}`);
  await receiver.waitFor(keys, 600_000);
  const latencies = [...sent].map(([id, at]) => receiver.received.get(`${path}#${id}`)! - at);
  const first = Math.min(...sent.values());
  const last = Math.max(...keys.map((key) => receiver.received.get(key)!));
  return {
    perSecond: (sent.size / (last - first)) * 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
  };
}

const spread = (events: number, subjects: number, tag: string) =>
  Array.from({ length: events }, (_, i) => `${tag}_${i % subjects}`);

export async function ordered(): Promise<void> {
  const stack = await startBenchStack();
  const receiver = await Receiver.start({ byPath: true, keepRequests: false });
  receiver.answerFor = (r) => (r.body.includes('"fail":true') ? { status: 500 } : undefined);
  let paths = 0;
  /** A fresh application with one webhook of this ordering, on a path of its own. */
  const target = async (ordering: 'none' | 'subject') => {
    const app = await benchApplication(stack);
    const path = `/hook/${++paths}`;
    await webhook(stack, app, `${receiver.url}/${paths}`, ordering);
    return { app, path };
  };
  try {
    // Warm-up: both kinds once.
    for (const ordering of ['none', 'subject'] as const) {
      const { app, path } = await target(ordering);
      await received(receiver, path, await send(stack, app, spread(50, 10, 'warm')));
    }

    const rows: Record<string, string | number>[] = [];
    for (const subjects of SUBJECTS) {
      const row: Record<string, string | number> = { subjects, events: EVENTS };
      for (const ordering of ['none', 'subject'] as const) {
        const { app, path } = await target(ordering);
        const m = await received(
          receiver,
          path,
          await send(stack, app, spread(EVENTS, subjects, `s${subjects}`)),
        );
        row[`${ordering} /s`] = m.perSecond;
        row[`${ordering} p50 ms`] = m.p50;
        process.stdout.write(
          `${subjects} subjects, ordering ${ordering}: ${m.perSecond.toFixed(1)} deliveries/s\n`,
        );
      }
      row['ordered / unordered'] = (row['subject /s'] as number) / (row['none /s'] as number);
      rows.push(row);
    }
    printTable(`Ordered delivery: ${EVENTS} events to one webhook, ${CONCURRENCY} sent at a time`, rows);

    // One subject stuck behind a failing event, the others flowing: their latency with and without it.
    const others = spread(STUCK_EVENTS, 20, 'other');
    const calm = await target('subject');
    const without = await received(receiver, calm.path, await send(stack, calm.app, others));
    const stuck = await target('subject');
    await send(stack, stuck.app, ['stuck'], { fail: true });
    await send(stack, stuck.app, spread(20, 1, 'stuck')); // waiting behind it
    const withStuck = await received(receiver, stuck.path, await send(stack, stuck.app, others));
    const stuckRows = [
      { case: 'no subject stuck', 'p50 ms': without.p50, 'p95 ms': without.p95, '/s': without.perSecond },
      {
        case: 'one subject stuck',
        'p50 ms': withStuck.p50,
        'p95 ms': withStuck.p95,
        '/s': withStuck.perSecond,
      },
    ];
    printTable(
      `Other subjects while one is stuck (${STUCK_EVENTS} events about 20 other subjects)`,
      stuckRows,
    );
    const waited = withStuck.p50 - without.p50;
    process.stdout.write(
      `other subjects waited ${waited.toFixed(0)} ms more (median) while one subject was stuck\n`,
    );
    process.stdout.write(
      `figures: ${writeResult('ordered', { events: EVENTS, concurrency: CONCURRENCY, rows, stuck: stuckRows, waitedMs: waited })}\n`,
    );
  } finally {
    await receiver.stop();
    await stack.stop();
  }
}
