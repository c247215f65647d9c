import { disableReason, switchedByCustomer } from './webhook-health';

const DAY = 24 * 3_600_000;
const now = new Date('2026-05-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('the webhook-disable rule', () => {
  it('disables at once on 410 Gone, failing or not', () => {
    expect(disableReason(410, null, now, 5 * DAY)).toBe('the receiver answered 410 Gone');
    expect(disableReason(410, ago(1), now, 5 * DAY)).toBe('the receiver answered 410 Gone');
  });

  it('keeps a webhook failing for less than the limit', () => {
    expect(disableReason(500, ago(5 * DAY - 1), now, 5 * DAY)).toBeNull();
    expect(disableReason(null, ago(0), now, 5 * DAY)).toBeNull();
  });

  it('disables a webhook failing for the whole limit, saying since when', () => {
    const since = ago(5 * DAY);
    expect(disableReason(503, since, now, 5 * DAY)).toBe(
      `every delivery failed since ${since.toISOString()}`,
    );
    expect(disableReason(null, ago(30 * DAY), now, 5 * DAY)).toMatch(/^every delivery failed since /);
  });

  it('never disables a webhook that is not failing (unless 410)', () => {
    expect(disableReason(500, null, now, 0)).toBeNull();
  });
});

describe('a webhook switched by its customer', () => {
  it('re-enabled: healthy again, the disable rule counting from its next failure', () => {
    expect(switchedByCustomer(true)).toEqual({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('disabled: says who did it', () => {
    expect(switchedByCustomer(false)).toEqual({
      enabled: false,
      disabledReason: 'disabled by the customer',
      failingSince: null,
    });
  });
});
