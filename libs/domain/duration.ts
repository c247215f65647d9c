/** Durations as people write them: ISO 8601 (`P30D`, `PT24H`, `P1DT12H`) or `30d`, `24h`, `1h30m`. Pure. */
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const Durations = { SECOND, MINUTE, HOUR, DAY, WEEK: 7 * DAY, YEAR: 365 * DAY } as const;

const SHORT_UNITS: Record<string, number> = {
  s: SECOND,
  m: MINUTE,
  h: HOUR,
  d: DAY,
  w: 7 * DAY,
  y: 365 * DAY,
};
const SHORT = /^(?:\d+[smhdwy])+$/;
const ISO =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Milliseconds, or undefined when the text is not a duration. A year is 365 days and an ISO month
 * 30 days: durations here are fixed lengths, not calendar arithmetic.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (SHORT.test(value)) {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([smhdwy])/g))
      total += Number(amount) * SHORT_UNITS[unit];
    return total;
  }
  const iso = ISO.exec(value.toUpperCase());
  if (!iso) return undefined;
  const [y, mo, w, d, h, mi, s] = iso.slice(1).map((part) => Number(part ?? 0));
  return y * 365 * DAY + mo * 30 * DAY + w * 7 * DAY + d * DAY + h * HOUR + mi * MINUTE + s * SECOND;
}

/** ISO 8601 for a whole number of seconds, in days and time (`P30D`, `PT1H30M`, `PT0S`). */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / SECOND);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
