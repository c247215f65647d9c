/** ISO 8601 date-times as the API takes them (RFC 3339: date, time, zone), strictly. Pure. */
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number) =>
  [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];

/**
 * The instant a date-time names, or undefined when it names none: every field in range (month 1-12,
 * a day the month has, hour 0-23, minute and second 0-59, offset up to ±23:59). `new Date()` would
 * roll 30 February over into March, and give up on month 13 with an Invalid Date.
 */
export function parseDateTime(value: string): Date | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0));
  const [fraction, zone, sign, offsetHours, offsetMinutes] = [m[7], m[8], m[9], Number(m[10]), Number(m[11])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (zone.toUpperCase() !== 'Z' && (offsetHours > 23 || offsetMinutes > 59)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0);
  const offsetMs =
    zone.toUpperCase() === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(date.getTime() - offsetMs);
}
