import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { invalidField, invalidFields } from './validation';

const TAKES_NO_BODY = 'this route takes no body: send none, or {}';

/**
 * A route without a body refuses one that says something: unknown fields are refused everywhere,
 * not ignored (a `POST …/test` with an `eventType` would otherwise send WEBHOOK_TEST as if heard).
 * No body, or `{}`, passes. Runs after the guards: a caller is known before its body is judged.
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !this.routeTakesBody(context)) {
      const body: unknown = context.switchToHttp().getRequest<Request>().body;
      if (body !== undefined && !isEmptyObject(body)) {
        const fields = isPlainObject(body) ? Object.keys(body) : [];
        throw fields.length > 0
          ? invalidFields(
              fields.map((field) => ({
                field,
                problems: [`property ${field} should not exist: ${TAKES_NO_BODY}`],
              })),
            )
          : invalidField('body', TAKES_NO_BODY);
      }
    }
    return next.handle();
  }

  private routeTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let takes = this.takesBody.get(handler);
    if (takes === undefined) {
      const args: Record<string, unknown> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      // Keys are `<paramtype>:<index>` for Nest's own parameter decorators (@Body, @Param, …).
      takes = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
      this.takesBody.set(handler, takes);
    }
    return takes;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isEmptyObject = (value: unknown) => isPlainObject(value) && Object.keys(value).length === 0;
