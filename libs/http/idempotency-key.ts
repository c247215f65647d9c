import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { invalidField } from './validation';

/** What an idempotency key may be, sent as the `Idempotency-Key` header or in a body. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 200 printable ASCII characters without spaces';

/**
 * The `Idempotency-Key` header, or undefined when none was sent. One that breaks the rule (empty,
 * non-ASCII, sent twice: Node joins repeats with ", ") is refused with 400 naming it.
 */
export const IdempotencyKeyHeader = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value))
      throw invalidField('Idempotency-Key', IDEMPOTENCY_KEY_RULE);
    return value;
  },
);

/** The one key of a request that may carry it twice (header and body): the same, or refused. */
export function oneIdempotencyKey(header: string | undefined, body: string | undefined): string | undefined {
  if (header !== undefined && body !== undefined && header !== body)
    throw invalidField('Idempotency-Key', "differs from the body's idempotencyKey: send the key once");
  return header ?? body;
}
