import { Durations, formatDuration, parseDuration } from './duration';

const { MINUTE, HOUR, DAY } = Durations;

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * DAY],
    ['24h', 24 * HOUR],
    ['1h30m', HOUR + 30 * MINUTE],
    ['2w', 14 * DAY],
    ['1y', 365 * DAY],
    ['0s', 0],
    ['P30D', 30 * DAY],
    ['PT24H', 24 * HOUR],
    ['P1DT12H', 36 * HOUR],
    ['P2Y', 730 * DAY],
    ['P1M', 30 * DAY],
    ['PT0S', 0],
    ['pt90m', 90 * MINUTE],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '30', 'd30', '1.5h', '-1h', 'P1H', 'PT1D', '30 days', 'P1DT', 'forever'])(
    'refuses %p',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [30 * DAY, 'P30D'],
    [24 * HOUR, 'P1D'],
    [HOUR + 30 * MINUTE, 'PT1H30M'],
    [36 * HOUR, 'P1DT12H'],
    [0, 'PT0S'],
  ])('%d ms is %s, and reads back the same', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
