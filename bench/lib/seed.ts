import type { mongo } from 'mongoose';
import { pool } from '../../libs/common/pool';

const BATCH = 2_000;
const EPOCH = Date.UTC(2026, 0, 1);
const APPLICATIONS = 100;

/**
 * Stored history of other applications, as a busy service accumulates it: per seeded delivery its
 * event, the delivery (most succeeded, one in ten failed) and one attempt, in the service's own
 * collections. Seconds it took.
 */
export async function seedStoredDeliveries(db: mongo.Db, count: number): Promise<number> {
  const started = performance.now();
  const batches = Array.from({ length: Math.ceil(count / BATCH) }, (_, b) => b * BATCH);
  let done = 0;
  await pool(batches, 2, async (from) => {
    const events = [];
    const deliveries = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const at = new Date(EPOCH + i * 100);
      const applicationId = `app_seed${i % APPLICATIONS}`;
      const webhookId = `wh_seed${i % (APPLICATIONS * 3)}`;
      const eventId = `evt_seed${String(i).padStart(9, '0')}`;
      const failed = i % 10 === 0;
      events.push({
        _id: eventId,
        applicationId,
        eventType: 'APPLICANT_COMPLETED',
        occurredAt: at,
        data: { mk: 'seed', iv: 'seed', ct: 'c2VlZGVkIGV2ZW50IGRhdGE', tag: 'seed' },
        createdAt: at,
      });
      deliveries.push({
        _id: `${eventId}:${webhookId}`,
        eventId,
        eventType: 'APPLICANT_COMPLETED',
        applicationId,
        webhookId,
        status: failed ? 'failed' : 'succeeded',
        series: 1,
        attemptCount: 1,
        lastAttemptAt: at,
        lastStatusCode: failed ? 500 : 200,
        lastError: failed ? 'HTTP 500 from the receiver' : null,
        createdAt: at,
        finishedAt: at,
        // As the service records attempts: in their delivery.
        attempts: [
          {
            series: 1,
            attempt: 1,
            scheduledAt: at,
            startedAt: at,
            durationMs: 12,
            statusCode: failed ? 500 : 200,
            responseBody: failed ? 'internal error' : 'ok',
            error: failed ? 'HTTP 500 from the receiver' : null,
            succeeded: !failed,
          },
        ],
      });
    }
    await Promise.all([
      db.collection('webhook_events').insertMany(events as never[], { ordered: false }),
      db.collection('webhook_deliveries').insertMany(deliveries as never[], { ordered: false }),
    ]);
    done += events.length;
    if (done % 100_000 < BATCH)
      process.stdout.write(`seeded ${done} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  });
  return (performance.now() - started) / 1000;
}
