/**
 * Benchmark 4: the failed-deliveries view at scale. Seeds delivery records (the view's source: one
 * per event and webhook, a tenth of them the measured application's, half of all failed) up to
 * each size in turn, e.g. 10,000 then 1,000,000, and times the API's first page and a deep page
 * (resumed from a cursor half-way down), with and without an event-type filter. Prints the query
 * plans the database chose, and the ratio of the largest size's times to the smallest's (target 2).
 * The embedded stack's FerretDB, or MONGODB_URI's server (e.g. MongoDB) when set.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { MasterKeyring, parseMasterKey } from '../libs/crypto/master-keyring';
import { PageCursors } from '../libs/http/page-cursors';
import { hourOf } from '../libs/persistence/schemas/failed-delivery-hour.schema';
import { benchApplication, BenchStack, call, startBenchStack } from './lib/stack';
import { median, printTable, writeResult } from './lib/stats';

const SIZES = (process.env.BENCH_FAILED_VIEW_SIZES ?? '10000,1000000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PAGE = 50;
const APPLICATIONS = 10;
const EVENT_TYPES = ['APPLICANT_COMPLETED', 'APPLICANT_PENDING', 'APPLICANT_REVIEWED', 'APPLICANT_CREATED'];
const FILTERED_TYPE = EVENT_TYPES[0];
const BATCH = 5_000;
const EPOCH = Date.UTC(2026, 0, 1);

interface Target {
  token: string;
  appId: string;
  webhookIds: string[];
}

/** The i-th seeded record: deterministic, so a deep cursor can be computed without reading. */
function seeded(i: number, target: Target) {
  const app = i % APPLICATIONS;
  const failed = Math.floor(i / APPLICATIONS) % 2 === 0;
  const eventId = `evt_seed${String(i).padStart(8, '0')}`;
  const webhookId = app === 0 ? target.webhookIds[i % target.webhookIds.length] : `wh_other${app}`;
  const at = new Date(EPOCH + i * 1_000);
  return {
    _id: `${eventId}:${webhookId}`,
    applicationId: app === 0 ? target.appId : `app_other${app}`,
    webhookId,
    eventId,
    eventType: EVENT_TYPES[Math.floor(i / (APPLICATIONS * 2)) % EVENT_TYPES.length],
    status: failed ? 'failed' : 'delivered',
    series: 1,
    attemptCount: failed ? 4 : 1,
    lastAttemptAt: at,
    // As the write that fails a delivery stores it (and notes the hour: see seedBatch).
    ...(failed ? { failedHour: hourOf(at) } : {}),
    lastStatusCode: failed ? 500 : 200,
    lastError: failed ? 'HTTP 500 from the receiver' : null,
    createdAt: new Date(at.getTime() - 3_600_000),
    finishedAt: at,
  };
}

/** The cursor half-way down the application's failed records (of one type, when given). */
function middleCursor(cursors: PageCursors, size: number, target: Target, eventType?: string): string {
  const matching: number[] = [];
  for (let i = 0; i < size; i++) {
    const doc = seeded(i, target);
    if (
      doc.applicationId === target.appId &&
      doc.status === 'failed' &&
      (!eventType || doc.eventType === eventType)
    )
      matching.push(i);
  }
  const middle = seeded(matching[Math.floor(matching.length / 2)], target);
  return cursors.cursorAt(
    { name: 'failed-deliveries', scope: target.appId },
    { at: middle.lastAttemptAt, id: middle._id },
  );
}

/** Stage names and indexes of a plan: MongoDB's winning plan, or what FerretDB says it did. */
interface PlanStage {
  stage: string;
  indexName?: string;
  inputStage?: PlanStage;
  inputStages?: PlanStage[];
}
interface Explained {
  queryPlanner?: { winningPlan?: PlanStage; Plan?: unknown };
  filterPushdown?: boolean;
  sortPushdown?: boolean;
}

function planSummary(explain: Explained): string {
  const winning = explain.queryPlanner?.winningPlan;
  if (winning) {
    const stages: string[] = [];
    for (
      let stage: PlanStage | undefined = winning;
      stage;
      stage = stage.inputStage ?? stage.inputStages?.[0]
    )
      stages.push(stage.indexName ? `${stage.stage}(${stage.indexName})` : stage.stage);
    return stages.join(' < ');
  }
  const pushdown = `filterPushdown=${explain.filterPushdown} sortPushdown=${explain.sortPushdown}`;
  return `${pushdown}; ${JSON.stringify(explain.queryPlanner?.Plan ?? explain.queryPlanner).slice(0, 160)}`;
}

async function timeView(stack: BenchStack, target: Target, query: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const page = await call<{ items: unknown[] }>(
      stack,
      'GET',
      `/applications/${target.appId}/webhooks/failed-deliveries?limit=${PAGE}${query}`,
      target.token,
    );
    times.push(performance.now() - started);
    if (page.items.length === 0) throw new Error(`an empty page for ${query || 'the first page'}`);
  }
  return median(times);
}

export async function failedView(): Promise<void> {
  const stack = await startBenchStack();
  const db = await mongoose.createConnection(stack.mongodbUri).asPromise();
  try {
    const app = await benchApplication(stack);
    const webhookIds: string[] = [];
    for (const name of ['primary', 'secondary']) {
      const webhook = await call<{ id: string }>(
        stack,
        'POST',
        `/applications/${app.appId}/webhooks`,
        app.token,
        {
          name,
          url: `https://${name}.example.com/hook-${randomBytes(3).toString('hex')}`,
        },
      );
      webhookIds.push(webhook.id);
    }
    const target: Target = { ...app, webhookIds };
    const cursors = new PageCursors(new MasterKeyring(parseMasterKey(stack.masterKey)));
    const deliveries = db.collection('webhook_deliveries');
    const failedHours = db.collection('failed_delivery_hours');
    const rows: Record<string, string | number>[] = [];
    const plans: Record<string, string> = {};
    let seededSoFar = 0;
    for (const size of SIZES) {
      const seedStarted = performance.now();
      for (; seededSoFar < size; seededSoFar += BATCH) {
        const docs = [];
        for (let i = seededSoFar; i < Math.min(size, seededSoFar + BATCH); i++) docs.push(seeded(i, target));
        await deliveries.insertMany(docs as never[], { ordered: false });
        const hours = new Map(
          docs
            .filter((d) => d.failedHour !== undefined)
            .map((d) => [
              `${d.applicationId}:${d.failedHour}`,
              { applicationId: d.applicationId, hour: d.failedHour },
            ]),
        );
        await failedHours
          .insertMany([...hours].map(([_id, h]) => ({ _id, ...h })) as never[], { ordered: false })
          .catch((err: { code?: number; writeErrors?: unknown[] }) => {
            // An hour that spans two batches is noted by the first.
            if (!err.writeErrors) throw err;
          });
      }
      seededSoFar = size;
      process.stdout.write(
        `seeded ${size} records in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`,
      );

      const typed = `&eventType=${FILTERED_TYPE}`;
      const deep = `&cursor=${middleCursor(cursors, size, target)}`;
      const deepTyped = `${typed}&cursor=${middleCursor(cursors, size, target, FILTERED_TYPE)}`;
      rows.push({
        records: size,
        'first page ms': await timeView(stack, target, ''),
        'deep page ms': await timeView(stack, target, deep),
        'first page, type filter ms': await timeView(stack, target, typed),
        'deep page, type filter ms': await timeView(stack, target, deepTyped),
      });
      process.stdout.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
      // The query of one hour of the view: the newest hour with failures.
      const sort = { lastAttemptAt: -1, _id: -1 } as const;
      const newestHour = hourOf(seeded(size - 1, target).lastAttemptAt);
      for (const [name, filter] of Object.entries({
        'first page': { applicationId: app.appId, status: 'failed', failedHour: newestHour },
        'first page, type filter': {
          applicationId: app.appId,
          status: 'failed',
          eventType: FILTERED_TYPE,
          failedHour: newestHour,
        },
      })) {
        const explain = await deliveries
          .find(filter)
          .sort(sort)
          .limit(PAGE + 1)
          .explain();
        plans[`${size} ${name}`] = planSummary(explain as Explained);
      }
    }
    const smallest = rows[0];
    const largest = rows[rows.length - 1];
    const ratios = Object.fromEntries(
      Object.keys(smallest)
        .filter((k) => k !== 'records')
        .map((k) => [k, Number(largest[k]) / Number(smallest[k])]),
    );
    printTable(
      `Failed-deliveries view (${PAGE} per page, median of ${RUNS}; ${stack.mongodbUri.split('/')[2]})`,
      [...rows, { records: `${largest.records}/${smallest.records}`, ...ratios }],
    );
    printTable(
      'Query plans',
      Object.entries(plans).map(([query, plan]) => ({ query, plan })),
    );
    process.stdout.write(`figures: ${writeResult('failed-view', { runs: RUNS, rows, ratios, plans })}\n`);
  } finally {
    await db.close();
    await stack.stop();
  }
}
