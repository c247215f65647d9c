import { HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, FieldProblem } from './api-error';

/** Flattens class-validator's tree into one entry per field, with dotted paths (`headers.0.key`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** The one 400 for bad input: each field named with what to fix, in `details` and in the message. */
export function invalidFields(details: FieldProblem[]): ApiError {
  const message = details.map((d) => `${d.field}: ${d.problems.join('; ')}`).join('. ');
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    'VALIDATION_FAILED',
    message || 'The request is not valid',
    details,
  );
}

export const invalidField = (field: string, problem: string): ApiError =>
  invalidFields([{ field, problems: [problem] }]);

export function validationFailed(errors: ValidationError[]): ApiError {
  return invalidFields(fieldProblems(errors));
}

/**
 * Validates every body, query and path parameter against its DTO: unknown fields are refused
 * (so clients cannot set what they must not), values are converted to the declared types.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: validationFailed,
  });
}

/**
 * `@IsOptional()` lets null through; for fields that may be left out but never cleared, a null
 * is refused here, naming the field.
 */
export function rejectNulls(body: object, fields: string[]): void {
  const nulls = fields.filter((field) => (body as Record<string, unknown>)[field] === null);
  if (nulls.length === 0) return;
  throw invalidFields(
    nulls.map((field) => ({ field, problems: [`${field} cannot be null: leave it out to keep it`] })),
  );
}
