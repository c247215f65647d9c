import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { formatDuration, parseDuration } from '../domain/duration';

/**
 * A duration string (`P30D`, `PT24H`, `30d`, `24h`, …) within [min, max] milliseconds. The
 * message names both bounds, so the caller knows what to send.
 */
export function IsDuration(
  bounds: { min: number; max: number },
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDuration',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) =>
          `${property} must be a duration from ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)}, ` +
          `as ISO 8601 (e.g. P30D, PT24H) or like 30d, 24h`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const ms = parseDuration(value);
          return ms !== undefined && ms >= bounds.min && ms <= bounds.max;
        },
      },
    });
}

/**
 * A duration shorter than another of the same object (both duration strings): a grace window
 * shorter than its rotation period, or every rotation would leave one more key still accepted.
 * Left to IsDuration when either does not parse.
 */
export function IsShorterThan(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isShorterThan',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: ({ property }) => `${property} must be shorter than ${other}`, ...options },
      validator: {
        validate(value: unknown, args?: ValidationArguments) {
          const limit = (args?.object as Record<string, unknown> | undefined)?.[other];
          const [ms, limitMs] = [value, limit].map((v) =>
            typeof v === 'string' ? parseDuration(v) : undefined,
          );
          return ms === undefined || limitMs === undefined || ms < limitMs;
        },
      },
    });
}
