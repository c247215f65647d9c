/**
 * Benchmark 1: delivery throughput and latency, product against a bare-Temporal baseline, on the
 * same servers in the same run. N events to one webhook whose receiver answers 200 at once.
 *   product:  POST /events -> the delivery workflow the API starts -> signed POST, MongoDB writes
 *   baseline: one bare workflow per message running one activity that makes the same POST
 *   one-task: the same bare workflow with the POST as a local activity: the product's shape (one
 *             workflow task) with nothing of the product's, the floor under its CPU per delivery
 * Reports medians over runs, the product/baseline ratio, history events and CPU per delivery.
 */
import { randomBytes } from 'node:crypto';
import { Client, isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import mongoose from 'mongoose';
import { WorkflowIds } from '../libs/temporal/workflow-ids';
import { Receiver } from '../test/support/receiver';
import { pool } from '../libs/common/pool';
import { seedStoredDeliveries } from './lib/seed';
import { BASELINE_QUEUE, BenchStack, sendEvent, startBaselineBench } from './lib/stack';
import { median, percentile, printTable, writeResult } from './lib/stats';
import { baselineDelivery, oneTaskDelivery } from './baseline/workflows';
import { CpuMeter, CpuReading, stackProcesses, stackSeconds } from './lib/cpu';

/** gRPC's NOT_FOUND, as fetchHistory answers for a workflow that never ran. */
const GRPC_NOT_FOUND = 5;

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Events of each system sent before the measured runs, for the JIT compilers and caches to settle. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? Math.min(200, EVENTS));
/** Stored deliveries to seed after the first runs, to measure again on a full store (0: none). */
const SEED = Number(process.env.BENCH_SEED ?? 0);
/** More of the webhook's settings, as JSON: e.g. a payload filter or an ed25519 signature. */
const WEBHOOK_SETTINGS = JSON.parse(process.env.BENCH_WEBHOOK ?? '{}') as Record<string, unknown>;
const BODY = JSON.stringify({
  id: 'x',
  type: 'APPLICANT_COMPLETED',
  data: { applicantId: 'appl_bench', status: 'GREEN' },
});

interface Measured {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

function measure(sent: Map<string, number>, receiver: Receiver): Measured {
  const latencies = [...sent].map(([id, at]) => receiver.received.get(id)! - at);
  const first = Math.min(...sent.values());
  const last = Math.max(...[...sent.keys()].map((id) => receiver.received.get(id)!));
  return {
    perSecond: (sent.size / (last - first)) * 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

async function runProduct(
  stack: BenchStack,
  receiver: Receiver,
  app: { token: string; appId: string },
  n: number,
) {
  receiver.reset();
  const sent = new Map<string, number>();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const started = performance.now();
      const eventId = await sendEvent(stack, app, i);
      sent.set(eventId, started);
    },
  );
  await receiver.waitFor([...sent.keys()], 600_000);
  return { sent, measured: measure(sent, receiver) };
}

/** A bare workflow per message on the baseline's worker: the baseline, or the one-task shape. */
async function runBaseline(
  client: Client,
  receiver: Receiver,
  n: number,
  workflow: typeof baselineDelivery = baselineDelivery,
) {
  receiver.reset();
  const sent = new Map<string, number>();
  const prefix = randomBytes(4).toString('hex');
  await pool(
    Array.from({ length: n }, (_, i) => `${prefix}-${i}`),
    CONCURRENCY,
    async (id) => {
      const started = performance.now();
      await client.workflow.start(workflow, {
        taskQueue: BASELINE_QUEUE,
        workflowId: `${workflow.name}:${id}`,
        args: [receiver.url, id, BODY],
      });
      sent.set(id, started);
    },
  );
  await receiver.waitFor([...sent.keys()], 600_000);
  return { sent, measured: measure(sent, receiver) };
}

type Commands = Record<'api' | 'worker', Record<string, number>>;

/**
 * CPU milliseconds per delivery: all the stack's processes together (not the benchmark's own,
 * which sends the load and receives it alike for every system), and each of them.
 */
function cpuPerDelivery(reading: CpuReading, deliveries: number): Record<string, number> {
  const perDelivery = (s: number) => (s * 1000) / deliveries;
  return {
    total: perDelivery(stackSeconds(reading)),
    ...Object.fromEntries(stackProcesses(reading).map(([name, s]) => [name, perDelivery(s)])),
  };
}

/** Commands sent between two counts, per delivery: by process, and by command and collection. */
function commandsPerDelivery(
  before: Commands,
  after: Commands,
  deliveries: number,
): Record<string, string | number> {
  const sent = (process: keyof Commands, name: string) =>
    ((after[process][name] ?? 0) - (before[process][name] ?? 0)) / deliveries;
  const total = (process: keyof Commands) =>
    Object.keys(after[process]).reduce((sum, name) => sum + sent(process, name), 0);
  const byCommand = (process: keyof Commands) =>
    Object.keys(after[process])
      .filter((name) => sent(process, name) > 0)
      .sort((a, b) => sent(process, b) - sent(process, a))
      .map((name) => `${name} ${sent(process, name).toFixed(3)}`)
      .join(', ');
  return {
    total: total('api') + total('worker'),
    api: total('api'),
    worker: total('worker'),
    'api by command': byCommand('api'),
    'worker by command': byCommand('worker'),
  };
}

/**
 * A workflow's history, as its event types in order (what each event buys is read off them); none
 * for a workflow that did not run (an event's dispatch, when the API started its delivery itself).
 */
async function historyEvents(client: Client, workflowId: string): Promise<string[]> {
  let events;
  try {
    ({ events } = await client.workflow.getHandle(workflowId).fetchHistory());
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return [];
    throw err;
  }
  return (events ?? []).map((e) =>
    String(temporal.api.enums.v1.EventType[e.eventType ?? 0]).replace(/^EVENT_TYPE_/, ''),
  );
}

export async function deliveryThroughput(): Promise<void> {
  const bench = await startBaselineBench(WEBHOOK_SETTINGS);
  const { stack, receiver, client, app } = bench;
  try {
    process.stdout.write(`warming up (${WARMUP} of each)\n`);
    await runProduct(stack, receiver, app, WARMUP);
    await runBaseline(client, receiver, WARMUP);
    await runBaseline(client, receiver, WARMUP, oneTaskDelivery);

    const rows: Record<string, string | number>[] = [];
    const cpuRows: Record<string, string | number>[] = [];
    const cpuMsRows: Record<string, string | number>[] = [];
    const cpu = stack.cpuMeter();
    const perf = stack.perfProfiler();
    const meterCpu = async (store: string, run: number, system: string) => {
      const reading = cpu.endSeconds();
      cpuRows.push({ store, run, system, ...CpuMeter.shown(reading) });
      cpuMsRows.push({ store, run, system, ...cpuPerDelivery(reading, EVENTS) });
      if (perf) process.stdout.write(`perf profile: ${await perf.end(EVENTS)}\n`);
    };
    const beginMeter = async (store: string, run: number, system: string) => {
      await perf?.begin(`${store}-run${run}-${system}`);
      cpu.begin();
    };
    const roundTrips: Record<string, string | number>[] = [];
    const ratios: number[] = [];
    let sample = { product: '', baseline: '', oneTask: '' };
    const measureRuns = async (store: string) => {
      for (let run = 1; run <= RUNS; run++) {
        await beginMeter(store, run, 'product');
        const commandsBefore = await stack.mongoCommands();
        const product = await runProduct(stack, receiver, app, EVENTS);
        // Settled: the last deliveries' bookkeeping happens after the receiver has them.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        roundTrips.push({
          store,
          run,
          ...commandsPerDelivery(commandsBefore, await stack.mongoCommands(), EVENTS),
        });
        await meterCpu(store, run, 'product');
        await beginMeter(store, run, 'baseline');
        const baseline = await runBaseline(client, receiver, EVENTS);
        await meterCpu(store, run, 'baseline');
        await beginMeter(store, run, 'one-task');
        const oneTask = await runBaseline(client, receiver, EVENTS, oneTaskDelivery);
        await meterCpu(store, run, 'one-task');
        const ratio = product.measured.perSecond / baseline.measured.perSecond;
        ratios.push(ratio);
        rows.push(
          { store, run, system: 'product', ...product.measured },
          { store, run, system: 'baseline', ...baseline.measured },
          { store, run, system: 'one-task', ...oneTask.measured },
        );
        process.stdout.write(
          `${store} run ${run}: product ${product.measured.perSecond.toFixed(1)}/s, baseline ${baseline.measured.perSecond.toFixed(1)}/s, ratio ${ratio.toFixed(2)} (one-task ${oneTask.measured.perSecond.toFixed(1)}/s)\n`,
        );
        sample = {
          product: [...product.sent.keys()][0],
          baseline: [...baseline.sent.keys()][0],
          oneTask: [...oneTask.sent.keys()][0],
        };
      }
    };
    await measureRuns('empty');
    let seeded: Record<string, number> | undefined;
    if (SEED > 0) {
      process.stdout.write(`seeding ${SEED} stored deliveries (with their events and attempts)\n`);
      const db = await mongoose.createConnection(stack.mongodbUri).asPromise();
      try {
        seeded = { deliveries: SEED, seconds: await seedStoredDeliveries(db.db!, SEED) };
      } finally {
        await db.close();
      }
      await measureRuns(`${SEED} seeded`);
    }
    const perDelivery = await historyEvents(
      client,
      WorkflowIds.webhookDelivery(sample.product, bench.webhookId),
    );
    const perDispatch = await historyEvents(client, WorkflowIds.eventDispatch(sample.product));
    const perBaseline = await historyEvents(client, `${baselineDelivery.name}:${sample.baseline}`);
    const perOneTask = await historyEvents(client, `${oneTaskDelivery.name}:${sample.oneTask}`);
    const product = rows.filter((r) => r.system === 'product' && r.store === 'empty');
    const baseline = rows.filter((r) => r.system === 'baseline' && r.store === 'empty');
    const oneTask = rows.filter((r) => r.system === 'one-task' && r.store === 'empty');
    const med = (list: typeof rows, key: string) => median(list.map((r) => Number(r[key])));
    const medians = (list: typeof rows) => ({
      perSecond: med(list, 'perSecond'),
      p50: med(list, 'p50'),
      p95: med(list, 'p95'),
      p99: med(list, 'p99'),
    });
    /** Median CPU milliseconds per delivery on the empty store, by system. */
    const cpuMsMedian = (system: string) =>
      med(
        cpuMsRows.filter((r) => r.system === system && r.store === 'empty'),
        'total',
      );
    /** Flatness: the last empty-store run over the first, and the seeded store's median over the empty one's. */
    const flatness = (system: string) => {
      const empty = rows.filter((r) => r.system === system && r.store === 'empty');
      const full = rows.filter((r) => r.system === system && r.store !== 'empty');
      return {
        lastRunOverFirst: Number(empty[empty.length - 1].perSecond) / Number(empty[0].perSecond),
        ...(full.length > 0 ? { seededOverEmpty: med(full, 'perSecond') / med(empty, 'perSecond') } : {}),
      };
    };
    const summary = {
      events: EVENTS,
      runs: RUNS,
      concurrency: CONCURRENCY,
      product: medians(product),
      baseline: medians(baseline),
      oneTask: medians(oneTask),
      ratio: median(ratios),
      flatness: { product: flatness('product'), baseline: flatness('baseline'), seeded },
      cpu: cpuRows,
      cpuMsPerDelivery: {
        product: cpuMsMedian('product'),
        baseline: cpuMsMedian('baseline'),
        oneTask: cpuMsMedian('one-task'),
        runs: cpuMsRows,
      },
      roundTripsPerDelivery: roundTrips,
      historyEvents: {
        deliveryWorkflow: perDelivery.length,
        dispatchWorkflow: perDispatch.length,
        perDeliveryWithOneWebhook: perDelivery.length + perDispatch.length,
        baseline: perBaseline.length,
        oneTask: perOneTask.length,
        types: { dispatch: perDispatch, delivery: perDelivery, baseline: perBaseline, oneTask: perOneTask },
      },
    };
    printTable(
      `Delivery throughput and latency (${EVENTS} events, ${RUNS} runs, concurrency ${CONCURRENCY}; latency ms)`,
      [
        ...rows,
        { store: 'empty', run: 'median', system: 'product', ...summary.product },
        { store: 'empty', run: 'median', system: 'baseline', ...summary.baseline },
        { store: 'empty', run: 'median', system: 'one-task', ...summary.oneTask },
      ],
    );
    printTable(
      'Flat (deliveries/s: last empty-store run over the first; seeded-store median over empty-store median)',
      [
        { system: 'product', ...summary.flatness.product },
        { system: 'baseline', ...summary.flatness.baseline },
      ],
    );
    printTable('Ratio and history events', [
      {
        'product/baseline (deliveries/s)': summary.ratio,
        'history events per delivery (dispatch + delivery)': `${perDispatch.length} + ${perDelivery.length}`,
        'baseline history events': perBaseline.length,
      },
    ]);
    for (const [name, types] of Object.entries(summary.historyEvents.types))
      process.stdout.write(`${name} history: ${types.join(', ')}\n`);
    printTable('MongoDB round trips per delivery (driver command monitoring)', roundTrips);
    printTable('CPU per process (seconds, and share of one core over the run)', cpuRows);
    printTable(
      'CPU per delivery (ms, all processes but the benchmark; the one-task shape on bare Temporal is the floor under the product)',
      cpuMsRows,
    );
    process.stdout.write(`figures: ${writeResult('delivery-throughput', summary)}\n`);
  } finally {
    await bench.stop();
  }
}
