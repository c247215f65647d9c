import { Transform } from 'class-transformer';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { parseDateTime } from '../domain/date-time';

/**
 * An ISO 8601 date-time naming a real instant (`2026-11-20T00:00:00Z`), converted to a Date for
 * the handler; anything else is refused naming the field. The one date rule of every DTO.
 */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  const toDate = Transform(({ value }) =>
    typeof value === 'string' ? (parseDateTime(value) ?? value) : value,
  );
  return (target: object, propertyName: string | symbol) => {
    toDate(target, propertyName);
    registerDecorator({
      name: 'isDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) =>
          `${property} must be a real ISO 8601 date-time with a time zone, e.g. 2026-11-20T00:00:00Z`,
        ...options,
      },
      validator: { validate: (value: unknown) => value instanceof Date },
    });
  };
}

/**
 * A range's end after its start: `to` after `from` (both date-times). An inverted range would
 * answer an empty page as if nothing matched; it is refused naming the field instead.
 */
export function IsAfter(start: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAfter',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [start],
      options: { message: ({ property }) => `${property} must be after ${start}`, ...options },
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const from = (args?.object as Record<string, unknown> | undefined)?.[start];
          return !(value instanceof Date && from instanceof Date) || value > from;
        },
      },
    });
}

/**
 * A date-time not after the moment the request is checked: a `since` in the future would match
 * nothing and answer as if there were nothing to do; it is refused naming the field instead.
 */
export function IsNotFuture(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isNotFuture',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: ({ property }) => `${property} must not be in the future`, ...options },
      validator: { validate: (value: unknown) => !(value instanceof Date) || value.getTime() <= Date.now() },
    });
}
