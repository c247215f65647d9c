import { ArgumentMetadata, HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, IsOptional, ValidatorOptions } from 'class-validator';
import { ApiError, FieldProblem } from './api-error';
import { RESERVED_KEYS } from '../domain/event-filter';

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
 * The null rule, for every body of every route: a field left out keeps its value (or takes its
 * default); `null` is refused, naming the field, unless the field is marked @Nullable(): there
 * null means "clear it" (a description, a rotation schedule, a retry policy back to the default).
 * Enforced by the validation pipe on every DTO, nested ones too, so no route decides it alone.
 * (`@IsOptional()`, and Nest's PartialType, let null through; the pipe is what refuses it.)
 */
const CLEARS_WITH_NULL = 'null clears this field';

/** May be left out, and null clears it. */
export const Nullable = (): PropertyDecorator => IsOptional({ context: CLEARS_WITH_NULL });

/** Each DTO class's @Nullable fields: fixed once its decorators have run, so read once per class. */
const nullableByClass = new WeakMap<object, Set<string>>();
function nullableFields(dto: object): Set<string> {
  let fields = nullableByClass.get(dto.constructor);
  if (!fields) {
    fields = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto.constructor, '', true, false)
        .filter((meta) => meta.context === CLEARS_WITH_NULL)
        .map((meta) => meta.propertyName),
    );
    nullableByClass.set(dto.constructor, fields);
  }
  return fields;
}

/** An instance of a DTO class (class-transformer made it), not plain JSON inside one. */
const isDto = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && value.constructor !== Object;

/** Every null in a DTO (and the DTOs nested in it) where its field does not take one. */
export function nullProblems(dto: object, path = ''): FieldProblem[] {
  const nullable = nullableFields(dto);
  return Object.entries(dto).flatMap(([key, value]): FieldProblem[] => {
    const field = path ? `${path}.${key}` : key;
    if (value === null)
      return nullable.has(key)
        ? []
        : [{ field, problems: [`${field} cannot be null: leave it out instead`] }];
    if (Array.isArray(value))
      return value.flatMap((item, i) => (isDto(item) ? nullProblems(item, `${field}.${i}`) : []));
    return isDto(value) ? nullProblems(value, field) : [];
  });
}

/** Key names that object-walking code treats specially; no field of this API has one. */

const OPAQUE_FIELDS = Symbol('opaque JSON fields');

/**
 * Marks a DTO field as opaque JSON (an event's `data`): validated as a whole by its own decorators,
 * never walked, transformed or pruned, so it reaches receivers exactly as the client sent it,
 * keys like `__proto__` included. The body's size and depth are bounded by the body parser.
 */
export function OpaqueJson(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    const ctor = target.constructor as { [OPAQUE_FIELDS]?: string[] };
    ctor[OPAQUE_FIELDS] = [...(ctor[OPAQUE_FIELDS] ?? []), String(property)];
  };
}
const opaqueFieldsOf = (metatype: unknown): string[] =>
  (metatype as { [OPAQUE_FIELDS]?: string[] } | undefined)?.[OPAQUE_FIELDS] ?? [];

/** An empty value of the same JSON type: what validation sees of an opaque field. */
const standIn = (value: unknown) =>
  Array.isArray(value) ? [] : typeof value === 'object' && value !== null ? {} : value;

/**
 * Nest's ValidationPipe, stricter in two ways. It deletes `__proto__`, `constructor` and `prototype`
 * keys silently, and class-transformer drops keys like `toString`: here such a key is refused,
 * naming where it is. And fields marked @OpaqueJson() pass through untouched.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const opaque = opaqueFieldsOf(metadata.metatype).filter(
      (field) => typeof value === 'object' && value !== null && Object.hasOwn(value, field),
    );
    if (opaque.length === 0) return super.transform(value, metadata);
    const body = value as Record<string, unknown>;
    const validated = await super.transform(
      { ...body, ...Object.fromEntries(opaque.map((f) => [f, standIn(body[f])])) },
      metadata,
    );
    for (const field of opaque) (validated as Record<string, unknown>)[field] = body[field];
    return validated;
  }

  /** class-validator's checks, and the null rule (see Nullable) on the same DTO. */
  protected override async validate(dto: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(dto, options);
    const nulls = nullProblems(dto);
    if (nulls.length === 0) return errors;
    const named = new Set(nulls.map((n) => n.field));
    throw invalidFields([...nulls, ...fieldProblems(errors).filter((p) => !named.has(p.field))]);
  }

  protected override stripProtoKeys(value: unknown): void {
    const stack: [unknown, string][] = [[value, '']];
    while (stack.length > 0) {
      const [item, path] = stack.pop()!;
      if (typeof item !== 'object' || item === null) continue;
      for (const key of Object.keys(item)) {
        const field = path ? `${path}.${key}` : key;
        if (RESERVED_KEYS.has(key)) throw invalidField(field, `property ${key} should not exist`);
        const value = (item as Record<string, unknown>)[key];
        // No store keeps U+0000 in a text (PostgreSQL under FerretDB refuses it): refused, not a 500.
        if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000')))
          throw invalidField(field, 'must not contain the NUL character (U+0000)');
        stack.push([value, field]);
      }
    }
  }
}

/**
 * Validates every body, query and path parameter against its DTO: unknown fields are refused
 * (so clients cannot set what they must not), values are converted to the declared types.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: validationFailed,
  });
}
