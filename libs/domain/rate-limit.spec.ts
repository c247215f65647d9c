import fc from 'fast-check';
import { busiestWindow, periodMs, RateLimit, SLOT_MARGIN_MS, slotTime, turnHasCome } from './rate-limit';

describe('rate limit slots', () => {
  it('spaces slots so that no window of the limit holds more than its count, whatever the delay of each request within the margin', () => {
    fc.assert(
      fc.property(
        fc.record({ count: fc.integer({ min: 1, max: 8 }), per: fc.constantFrom('second', 'minute') }),
        // When each request asks for a slot (ms after the first), and how long it then takes to arrive.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: SLOT_MARGIN_MS })), {
          minLength: 1,
          maxLength: 60,
        }),
        (limit, asks) => {
          const rate = limit as RateLimit;
          const at: number[] = [];
          const arrived: number[] = [];
          for (const [askedAt, delay] of [...asks].sort((a, b) => a[0] - b[0])) {
            const n = at.length;
            at.push(
              slotTime(rate, askedAt, n >= 1 ? at[n - 1] : null, n >= rate.count ? at[n - rate.count] : null),
            );
            arrived.push(at[n] + delay);
          }
          expect(
            busiestWindow(
              [...arrived].sort((a, b) => a - b),
              periodMs(rate),
            ),
          ).toBeLessThanOrEqual(rate.count);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lets slots go at once while the window has room, and in order after', () => {
    const limit: RateLimit = { count: 2, per: 'second' };
    const first = slotTime(limit, 1_000, null, null);
    const second = slotTime(limit, 1_000, first, null);
    const third = slotTime(limit, 1_000, second, first);
    expect([first, second]).toEqual([1_000, 1_000]);
    expect(third).toBe(first + periodMs(limit) + SLOT_MARGIN_MS);
  });

  it('tells whether a turn has come, late included', () => {
    const turn = { n: 1, at: new Date(10_000).toISOString() };
    expect(turnHasCome(turn, 9_000)).toBe(false);
    expect(turnHasCome(turn, 10_000)).toBe(true);
    expect(turnHasCome(turn, 60_000)).toBe(true);
  });
});
