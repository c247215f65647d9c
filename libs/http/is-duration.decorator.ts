import { registerDecorator, ValidationOptions } from 'class-validator';
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
