import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error';

/** Errors of Express' body parser (http-errors), raised before any controller runs. */
interface BodyParserError {
  type: string;
  status: number;
}

const KNOWN: Record<string, { code: string; message: string }> = {
  'entity.parse.failed': { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' },
  'entity.too.large': { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  'entity.verify.failed': { code: 'BAD_REQUEST', message: 'The request body could not be verified' },
  'encoding.unsupported': {
    code: 'UNSUPPORTED_ENCODING',
    message: 'The request body encoding is not supported',
  },
  'charset.unsupported': {
    code: 'UNSUPPORTED_CHARSET',
    message: 'The request body charset is not supported',
  },
  'request.aborted': { code: 'BAD_REQUEST', message: 'The request was aborted while its body was read' },
  'request.size.invalid': {
    code: 'BAD_REQUEST',
    message: 'The request body length does not match Content-Length',
  },
};

const isBodyParserError = (e: unknown): e is BodyParserError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as BodyParserError).type === 'string' &&
  typeof (e as BodyParserError).status === 'number';

/**
 * Express error middleware placed after the body parser: turns its errors into ApiErrors with
 * stable codes (instead of the parser's own wording, which echoes the body).
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  if (isBodyParserError(err) && err.status >= 400 && err.status < 500) {
    const known = KNOWN[err.type] ?? { code: 'BAD_REQUEST', message: 'The request body could not be read' };
    next(new ApiError(err.status as HttpStatus, known.code, known.message));
    return;
  }
  next(err);
}
