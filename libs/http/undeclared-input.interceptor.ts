import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { isJsonObject } from '../domain/json';
import { invalidField, invalidFields } from './validation';

/** The parts of a request a route must declare (@Body, @Query) to be sent them. */
const PARTS = [
  {
    type: RouteParamtypes.BODY,
    of: (request: Request): unknown => request.body,
    rule: 'this route takes no body: send none, or {}',
  },
  {
    type: RouteParamtypes.QUERY,
    of: (request: Request): unknown => request.query,
    rule: 'this route takes no query parameters',
  },
] as const;

/**
 * A route that declares no body refuses one that says something, and one that declares no query
 * refuses query parameters: unknown fields are refused everywhere, not ignored (a `POST …/test`
 * with an `eventType` would otherwise send WEBHOOK_TEST as if heard). No body, or `{}`, passes.
 * Runs after the guards: a caller is known before its input is judged.
 */
@Injectable()
export class UndeclaredInputInterceptor implements NestInterceptor {
  /** Per handler, the parts it does not declare. */
  private readonly undeclared = new WeakMap<object, (typeof PARTS)[number][]>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<Request>();
      for (const part of this.undeclaredParts(context)) {
        const value = part.of(request);
        if (value === undefined || isEmptyObject(value)) continue;
        const fields = isJsonObject(value) ? Object.keys(value) : [];
        throw fields.length > 0
          ? invalidFields(
              fields.map((field) => ({
                field,
                problems: [`property ${field} should not exist: ${part.rule}`],
              })),
            )
          : invalidField('body', part.rule);
      }
    }
    return next.handle();
  }

  private undeclaredParts(context: ExecutionContext): (typeof PARTS)[number][] {
    const handler = context.getHandler();
    let parts = this.undeclared.get(handler);
    if (parts === undefined) {
      const args: Record<string, unknown> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      // Keys are `<paramtype>:<index>` for Nest's own parameter decorators (@Body, @Query, …).
      const declared = new Set(Object.keys(args).map((key) => key.split(':')[0]));
      parts = PARTS.filter((part) => !declared.has(String(part.type)));
      this.undeclared.set(handler, parts);
    }
    return parts;
  }
}

const isEmptyObject = (value: unknown) => isJsonObject(value) && Object.keys(value).length === 0;
