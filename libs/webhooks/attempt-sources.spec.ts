import type { WebhookEvent } from '../persistence/schemas/webhook-event.schema';
import { eventSize } from './attempt-sources';

const event = (data: unknown): WebhookEvent => ({
  _id: 'evt_1',
  applicationId: 'app_1',
  eventType: 'APPLICANT_COMPLETED',
  occurredAt: new Date(0),
  data,
  createdAt: new Date(0),
});

describe('eventSize (the recent-events cache is bounded by it)', () => {
  it('weighs a sealed event by its ciphertext', () => {
    const ct = 'A'.repeat(340_000);
    expect(eventSize(event({ mk: 'k1', iv: 'iv', ct, tag: 't' }))).toBe(340_000 + 512);
  });

  it('weighs an event stored in clear (from before sealing) by its JSON', () => {
    const data = { applicantId: 'appl_1', notes: 'x'.repeat(1_000) };
    expect(eventSize(event(data))).toBe(JSON.stringify(data).length + 512);
    expect(eventSize(event(null))).toBe('null'.length + 512);
  });
});
