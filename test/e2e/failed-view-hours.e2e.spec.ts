import { randomBytes } from 'node:crypto';
import type { PagePosition } from '../../libs/persistence/keyset-page';
import { FailedDeliveryHoursRepository } from '../../libs/persistence/repositories/failed-delivery-hours.repository';
import { WebhookDeliveriesRepository } from '../../libs/persistence/repositories/webhook-deliveries.repository';
import { hourOf, HOUR_MS } from '../../libs/persistence/schemas/failed-delivery-hour.schema';
import { useStack } from '../support/stack';

/**
 * The failed view reads hour by hour (FailedDeliveryHour): against FerretDB, its pages hold what a
 * plain sort of every failed delivery would give, in the same order, across hours, types, cursors,
 * time bounds, retries and retention.
 */
describe('the failed view, hour by hour', () => {
  const stack = useStack({ api: false });
  let deliveries: WebhookDeliveriesRepository;
  const applicationId = `app_hours${randomBytes(4).toString('hex')}`;
  const types = ['APPLICANT_COMPLETED', 'APPLICANT_PENDING'];
  const start = Date.UTC(2026, 5, 1, 10, 0, 0);
  /** What was failed: id, type and the last attempt's time. */
  const failed: { id: string; eventType: string; at: Date }[] = [];

  const fail = async (n: number, at: Date, opened: boolean) => {
    const event = { eventId: `evt_h${String(n).padStart(3, '0')}`, eventType: types[n % 2], applicationId };
    const record = {
      series: 1,
      attempt: 1,
      scheduledAt: at,
      startedAt: at,
      durationMs: 5,
      statusCode: 500,
      responseBody: null,
      error: 'HTTP 500',
      succeeded: false,
    };
    const id = `${event.eventId}:wh_h`;
    if (opened) {
      await deliveries.open(event, ['wh_h']);
      await deliveries.recordAttempt({ id, applicationId }, 1, record, 'failed');
    } else await deliveries.openWithAttempt(event, 'wh_h', record, 'failed');
    failed.push({ id, eventType: event.eventType, at });
  };

  /** Every page of the view, followed by its cursors. */
  const walk = async (filter: { eventType?: string; from?: Date; to?: Date }, limit: number) => {
    const ids: string[] = [];
    let after: PagePosition | undefined;
    do {
      const page = await deliveries.page(applicationId, { status: 'failed', ...filter }, { limit, after });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((d) => d._id));
      after = page.next ?? undefined;
    } while (after);
    return ids;
  };
  /** The same, by a plain sort of what was failed. */
  const expected = (filter: { eventType?: string; from?: Date; to?: Date }, gone = new Set<string>()) =>
    failed
      .filter((d) => !gone.has(d.id) && (!filter.eventType || d.eventType === filter.eventType))
      .filter((d) => (!filter.from || d.at >= filter.from) && (!filter.to || d.at < filter.to))
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
      .map((d) => d.id);

  beforeAll(async () => {
    deliveries = stack.worker.get(WebhookDeliveriesRepository);
    // 60 failures over 7 hours, unevenly (none in some hours, two at the same instant), half of
    // them opened by their failing attempt, half failed after being opened pending.
    for (let n = 0; n < 60; n++) {
      const at = new Date(start + Math.floor((n * n * 7) % 420) * 60_000 + (n === 31 ? -60_000 * 7 : 0));
      await fail(n, at, n % 2 === 0);
    }
  });

  it('pages through every failure in view order, whatever the page size and type filter', async () => {
    const hoursSeen = new Set(failed.map((d) => hourOf(d.at)));
    expect(hoursSeen.size).toBeGreaterThan(4);
    for (const limit of [1, 7, 50, 100]) {
      expect(await walk({}, limit)).toEqual(expected({}));
      expect(await walk({ eventType: types[1] }, limit)).toEqual(expected({ eventType: types[1] }));
    }
  });

  it('honours from and to, also when they cut an hour', async () => {
    const window = {
      from: new Date(start + HOUR_MS + 17 * 60_000),
      to: new Date(start + 4 * HOUR_MS + 5 * 60_000),
    };
    expect(expected(window).length).toBeGreaterThan(0);
    expect(await walk(window, 5)).toEqual(expected(window));
  });

  it('leaves out a delivery being retried, and shows it again in its new hour when it fails again', async () => {
    const retried = failed.find((d) => hourOf(d.at) === hourOf(new Date(start)))!;
    expect(await deliveries.openSeries(retried.id, 2)).toBe(true);
    expect(await walk({}, 10)).toEqual(expected({}, new Set([retried.id])));

    const later = new Date(start + 9 * HOUR_MS);
    await deliveries.recordAttempt(
      { id: retried.id, applicationId },
      2,
      {
        series: 2,
        attempt: 1,
        scheduledAt: later,
        startedAt: later,
        durationMs: 5,
        statusCode: 503,
        responseBody: null,
        error: 'HTTP 503',
        succeeded: false,
      },
      'failed',
    );
    retried.at = later;
    const all = await walk({}, 10);
    expect(all[0]).toBe(retried.id);
    expect(all).toEqual(expected({}));
  });

  it('retention forgets the hours before its cut-off only', async () => {
    const hours = stack.worker.get(FailedDeliveryHoursRepository);
    const before = await hours.newestFirst(applicationId);
    const cutOff = new Date(start + 2 * HOUR_MS);
    await deliveries.forgetFailuresBefore(applicationId, cutOff);
    expect(await hours.newestFirst(applicationId)).toEqual(before.filter((h) => h >= hourOf(cutOff)));
  });
});
