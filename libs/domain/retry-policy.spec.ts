import { jittered, retryPolicyProblem, retrySchedule } from './retry-policy';

describe('retry policies', () => {
  it('default to immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 hours)', () => {
    const delays = retrySchedule(undefined);
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(delays.reduce((a, b) => a + b) / 3_600_000).toBeCloseTo(27.6, 1);
  });

  it('take an explicit schedule or exponential backoff', () => {
    expect(retrySchedule({ scheduleMs: [1000, 2000] })).toEqual([1000, 2000]);
    expect(
      retrySchedule({
        initialIntervalMs: 1000,
        backoffCoefficient: 3,
        maximumIntervalMs: 5000,
        maximumAttempts: 5,
      }),
    ).toEqual([1000, 3000, 5000, 5000]);
    expect(retrySchedule({ maximumAttempts: 1 })).toEqual([]);
  });

  it('are bounded, with a message saying which bound', () => {
    expect(retryPolicyProblem({ scheduleMs: [500] })).toMatch(/1 second to 24 hours/);
    expect(retryPolicyProblem({ scheduleMs: [25 * 3_600_000] })).toMatch(/1 second to 24 hours/);
    expect(retryPolicyProblem({ maximumAttempts: 21 })).toMatch(/at most 20 attempts/);
    expect(retryPolicyProblem({ scheduleMs: Array(8).fill(24 * 3_600_000) })).toMatch(/within 7 days/);
    expect(retryPolicyProblem({ scheduleMs: [1000], maximumAttempts: 3 })).toMatch(/either schedule or/);
    expect(retryPolicyProblem({ scheduleMs: [1000, 60_000] })).toBeUndefined();
    expect(retryPolicyProblem({})).toBeUndefined();
  });

  it('refuse a maximumInterval below the initial one, naming both, instead of flattening the schedule', () => {
    expect(retryPolicyProblem({ initialIntervalMs: 10_000, maximumIntervalMs: 1_000 })).toMatch(
      /^retryPolicy\.maximumInterval: must be at least initialInterval \(PT10S\), not PT1S$/,
    );
    expect(retryPolicyProblem({ maximumIntervalMs: 2_000 })).toMatch(/initialInterval \(PT5S, the default\)/);
    expect(retryPolicyProblem({ initialIntervalMs: 10_000, maximumIntervalMs: 10_000 })).toBeUndefined();
  });
});

describe('jittered', () => {
  it('moves a delay by at most 10 % either way, by the random number given', () => {
    expect(jittered(60_000, 0)).toBe(54_000);
    expect(jittered(60_000, 0.5)).toBe(60_000);
    expect(jittered(60_000, 0.999999)).toBeLessThanOrEqual(66_000);
    for (let i = 0; i < 1000; i++) {
      const delay = jittered(5_000, Math.random());
      expect(delay).toBeGreaterThanOrEqual(4_500);
      expect(delay).toBeLessThanOrEqual(5_500);
    }
  });
});
