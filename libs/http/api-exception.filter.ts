import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorKind } from '../domain/errors';
import { ApiError, codeForStatus, ErrorBody } from './api-error';
import { unavailableDependency } from './dependency-unavailable';

/** Retry-After of a 503: about how long the driver and the Temporal client take to find a server back. */
const RETRY_AFTER_SECONDS = 5;

/** What a domain error's kind is in HTTP. */
const STATUS_OF_KIND: Record<DomainErrorKind, HttpStatus> = {
  conflict: HttpStatus.CONFLICT,
  'not-found': HttpStatus.NOT_FOUND,
  invalid: HttpStatus.BAD_REQUEST,
};

/**
 * Maps anything thrown to the one error shape: known errors keep their status, a dependency out of
 * reach is a 503 to retry, the rest are 500.
 */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof ApiError) {
    return exception.getResponse() as ErrorBody;
  }
  if (exception instanceof DomainError) {
    return { statusCode: STATUS_OF_KIND[exception.kind], code: exception.code, message: exception.message };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return { statusCode: status, code: codeForStatus(status), message };
  }
  const dependency = unavailableDependency(exception);
  if (dependency) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      code: 'SERVICE_UNAVAILABLE',
      message: `${dependency} cannot be reached for the moment; send the same request again in a few seconds (under the same idempotency key, if it had one)`,
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    message: 'Something went wrong on our side; quote the requestId when reporting it',
  };
}

/** The one exception filter: every error body is `{ statusCode, code, message, details?, requestId }`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const body = toErrorBody(exception);
    body.requestId = String(request.id ?? '') || undefined;
    if (body.statusCode >= 500) {
      // Unexpected, or a dependency out of reach: log the cause (the body says nothing of it). Known
      // 4xx are logged by the HTTP logger.
      this.logger.error({ err: exception, requestId: body.requestId }, 'Unhandled error');
    }
    if (!response.headersSent) {
      if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE)
        response.setHeader('retry-after', RETRY_AFTER_SECONDS);
      response.status(body.statusCode).json(body);
    }
  }
}
