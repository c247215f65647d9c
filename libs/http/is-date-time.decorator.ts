import { Transform } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';
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
