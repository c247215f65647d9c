/**
 * Benchmark 2: fan-out. One event to an application with 1, 10 and 100 webhooks (all on one
 * receiver answering 200 at once): per webhook, the time from intake to receipt, and the time
 * until every webhook has it. Events one at a time, BENCH_RUNS of each size; medians reported.
 */
import { Receiver } from '../test/support/receiver';
import { benchApplication, BenchStack, call, sendEvent, startBenchStack } from './lib/stack';
import { median, percentile, printTable, writeResult } from './lib/stats';

const SIZES = (process.env.BENCH_FANOUT ?? '1,10,100').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function applicationWithWebhooks(stack: BenchStack, receiver: Receiver, size: number) {
  const app = await benchApplication(stack);
  const paths: string[] = [];
  for (let i = 0; i < size; i++) {
    await call(stack, 'POST', `/applications/${app.appId}/webhooks`, app.token, {
      name: `receiver ${i}`,
      url: `${receiver.url}/${i}`,
    });
    paths.push(`/hook/${i}`);
  }
  return { ...app, paths };
}

/** One event; per webhook the ms from the intake request to receipt. */
async function fanOutOnce(
  stack: BenchStack,
  receiver: Receiver,
  app: { token: string; appId: string; paths: string[] },
): Promise<number[]> {
  const started = performance.now();
  const eventId = await sendEvent(stack, app, 'fanout');
  const keys = app.paths.map((path) => `${path}#${eventId}`);
  await receiver.waitFor(keys, 120_000);
  return keys.map((key) => receiver.received.get(key)! - started);
}

export async function fanOut(): Promise<void> {
  const stack = await startBenchStack();
  const receiver = await Receiver.start({ byPath: true, keepRequests: false });
  try {
    const rows: Record<string, string | number>[] = [];
    for (const size of SIZES) {
      const app = await applicationWithWebhooks(stack, receiver, size);
      await fanOutOnce(stack, receiver, app); // warm-up
      const runs: { first: number; p50: number; p95: number; all: number }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const latencies = await fanOutOnce(stack, receiver, app);
        runs.push({
          first: Math.min(...latencies),
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          all: Math.max(...latencies),
        });
      }
      const all = median(runs.map((r) => r.all));
      rows.push({
        webhooks: size,
        runs: RUNS,
        'first ms': median(runs.map((r) => r.first)),
        'p50 ms': median(runs.map((r) => r.p50)),
        'p95 ms': median(runs.map((r) => r.p95)),
        'all received ms': all,
        'all / webhook ms': all / size,
      });
      process.stdout.write(`${size} webhooks: all received in ${all.toFixed(0)} ms (median of ${RUNS})\n`);
    }
    printTable('Fan-out: one event to N webhooks (ms from intake to receipt; medians over runs)', rows);
    process.stdout.write(`figures: ${writeResult('fan-out', { runs: RUNS, rows })}\n`);
  } finally {
    await receiver.stop();
    await stack.stop();
  }
}
