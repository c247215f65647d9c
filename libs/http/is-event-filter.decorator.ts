import { registerDecorator, ValidationOptions } from 'class-validator';
import { eventFilterProblem } from '../domain/event-filter';

/** A webhook's payload filter (libs/domain/event-filter): the message names the path and operator at fault. */
export function IsEventFilter(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEventFilter',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property, value }) => eventFilterProblem(value, property) ?? `${property} is not valid`,
        ...options,
      },
      validator: { validate: (value: unknown) => eventFilterProblem(value) === null },
    });
}
