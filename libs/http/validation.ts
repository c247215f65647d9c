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

export function validationFailed(errors: ValidationError[]): ApiError {
  const details = fieldProblems(errors);
  const message = details.map((d) => `${d.field}: ${d.problems.join('; ')}`).join('. ');
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    'VALIDATION_FAILED',
    message || 'The request is not valid',
    details,
  );
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
  const details = nulls.map((field) => ({
    field,
    problems: [`${field} cannot be null: leave it out to keep it`],
  }));
  throw new ApiError(
    HttpStatus.BAD_REQUEST,
    'VALIDATION_FAILED',
    details.map((d) => `${d.field}: ${d.problems[0]}`).join('. '),
    details,
  );
}
