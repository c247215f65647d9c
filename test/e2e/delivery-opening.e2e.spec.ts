import { randomBytes } from 'node:crypto';
import { WebhookDeliveriesRepository } from '../../libs/persistence/repositories/webhook-deliveries.repository';
import { useStack } from '../support/stack';

/**
 * Opening an event's deliveries against FerretDB: one write for all webhooks, and a re-run of the
 * step (its first result lost with a dead worker) returns again what was opened but never attempted.
 */
describe('opening deliveries', () => {
  const stack = useStack({ api: false });
  let deliveries: WebhookDeliveriesRepository;

  beforeAll(async () => {
    deliveries = stack.worker.get(WebhookDeliveriesRepository);
  });

  const event = () => ({
    eventId: `evt_${randomBytes(8).toString('hex')}`,
    eventType: 'APPLICANT_COMPLETED',
    applicationId: 'app_opening',
  });

  it('opens one pending delivery per webhook', async () => {
    const accepted = event();
    expect(await deliveries.open(accepted, ['wh_a', 'wh_b', 'wh_c'])).toEqual(['wh_a', 'wh_b', 'wh_c']);
    const opened = await deliveries.findById(`${accepted.eventId}:wh_b`);
    expect(opened).toMatchObject({ status: 'pending', series: 1, attemptCount: 0, webhookId: 'wh_b' });
    expect(await deliveries.open(event(), [])).toEqual([]);
  });

  it('on a re-run returns the never-attempted and the new, not one already attempted', async () => {
    const accepted = event();
    await deliveries.open(accepted, ['wh_a', 'wh_b', 'wh_c']);
    await deliveries.recordAttempt({ id: `${accepted.eventId}:wh_b`, applicationId: 'app_opening' }, 1, {
      series: 1,
      attempt: 1,
      scheduledAt: new Date(),
      startedAt: new Date(),
      durationMs: 3,
      statusCode: 500,
      responseBody: null,
      error: 'HTTP 500',
      succeeded: false,
    });
    expect(await deliveries.open(accepted, ['wh_a', 'wh_b', 'wh_c', 'wh_d'])).toEqual([
      'wh_a',
      'wh_c',
      'wh_d',
    ]);
    expect(await deliveries.findById(`${accepted.eventId}:wh_b`)).toMatchObject({ attemptCount: 1 });
  });
});
