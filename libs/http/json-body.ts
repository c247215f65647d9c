import { isUtf8 } from 'node:buffer';
import { HttpStatus } from '@nestjs/common';
import contentType from 'content-type';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ApiError } from './api-error';
import { JSON_BODY_LIMIT, JSON_BODY_LIMIT_BYTES, MAX_JSON_DEPTH } from './json-limits';
import { invalidField } from './validation';

/**
 * How the API reads a request body, for every route at once: JSON only (`application/json` or
 * `application/*+json`, UTF-8, identity/gzip/deflate/br), at most JSON_BODY_LIMIT, valid UTF-8,
 * nested at most MAX_JSON_DEPTH, numbers a double can hold. Anything else is refused here, before
 * any route runs, with a stable code: 415 for a type, charset or encoding we do not take, 413 for
 * size, 400 for a body that is not what it says it is.
 */

const unsupportedMediaType = (message: string) =>
  new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_MEDIA_TYPE', message);

/** A body is there when its length is announced and not 0, or when it is chunked. */
const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const isJsonType = (type: string) => type === 'application/json' || /^application\/[^/]+\+json$/.test(type);

/** Refuses, with 415, a body that is not declared as UTF-8 JSON (forms, text, multipart, none). */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  let parsed: contentType.ParsedMediaType;
  try {
    parsed = contentType.parse(req);
  } catch {
    return next(unsupportedMediaType('Send the body as JSON, with Content-Type: application/json'));
  }
  if (!isJsonType(parsed.type)) {
    return next(unsupportedMediaType(`Content-Type ${parsed.type} is not accepted: send application/json`));
  }
  const charset = parsed.parameters.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(unsupportedMediaType(`charset ${charset} is not accepted: JSON is sent as UTF-8`));
  }
  next();
}

/**
 * Refuses a body whose declared length is over the limit at once, before reading a byte of it, and
 * closes the connection after the answer: otherwise Node would go on reading (and discarding) all
 * that was declared, and a client declaring 10 GB would hold the connection without an answer.
 */
function refuseDeclaredOversize(req: Request, res: Response, next: NextFunction): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!(declared > JSON_BODY_LIMIT_BYTES)) return next();
  res.setHeader('Connection', 'close');
  next(
    new ApiError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than ${JSON_BODY_LIMIT}`,
    ),
  );
}

/**
 * Called by the parser with the raw bytes (after Content-Encoding is undone), before decoding. A
 * compressed body that undoes to nothing is refused, not read as `{}`: the decompressor stops at
 * the end of a stream and ignores what follows, and some bytes are a whole empty stream (a body
 * `5e-324` sent as br undoes to nothing).
 */
function verifyBody(req: Request, _res: Response, body: Buffer): void {
  if (!isUtf8(body))
    throw Object.assign(new Error('invalid UTF-8'), { status: 400, type: 'encoding.invalid' });
  const encoding = req.headers['content-encoding']?.trim().toLowerCase() ?? 'identity';
  if (body.length === 0 && encoding !== 'identity')
    throw Object.assign(new Error('empty once decoded'), { status: 400, type: 'encoding.empty' });
}

/** A body that is not what its Content-Encoding says: undone with an error, or to nothing. */
const NOT_ITS_ENCODING = [
  'MALFORMED_BODY',
  'The request body could not be read: does it match its Content-Encoding?',
] as const;

/** The parser's errors (http-errors, by `type`), as ApiErrors that never echo the body. */
const PARSER_ERRORS: Record<string, [HttpStatus, string, string]> = {
  'entity.parse.failed': [HttpStatus.BAD_REQUEST, 'MALFORMED_JSON', 'The request body is not valid JSON'],
  'entity.too.large': [
    HttpStatus.PAYLOAD_TOO_LARGE,
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${JSON_BODY_LIMIT}`,
  ],
  'encoding.invalid': [HttpStatus.BAD_REQUEST, 'INVALID_UTF8', 'The request body is not valid UTF-8'],
  'encoding.empty': [HttpStatus.BAD_REQUEST, ...NOT_ITS_ENCODING],
  'encoding.unsupported': [
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    'UNSUPPORTED_ENCODING',
    'Content-Encoding must be gzip, deflate, br or identity',
  ],
  'charset.unsupported': [
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    'UNSUPPORTED_MEDIA_TYPE',
    'JSON is sent as UTF-8',
  ],
  'request.aborted': [
    HttpStatus.BAD_REQUEST,
    'BAD_REQUEST',
    'The request was aborted while its body was read',
  ],
  'request.size.invalid': [
    HttpStatus.BAD_REQUEST,
    'BAD_REQUEST',
    'The request body length does not match Content-Length',
  ],
};

interface ParserError {
  status: number;
  type?: string;
}
const isParserError = (e: unknown): e is ParserError =>
  typeof e === 'object' && e !== null && typeof (e as ParserError).status === 'number';

/** Express error middleware right after the parser. */
export function parserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  if (err instanceof ApiError || !isParserError(err) || err.status < 400 || err.status >= 500)
    return next(err);
  const known = err.type ? PARSER_ERRORS[err.type] : undefined;
  // Without a type: the decompressor failed, so the body is not what its Content-Encoding says.
  const [status, code, message] = known ?? [err.status, ...NOT_ITS_ENCODING];
  next(new ApiError(status, code, message));
}

/**
 * What JSON.parse accepts but the API must not: nesting deeper than MAX_JSON_DEPTH (recursive code
 * downstream would overflow its stack), and number literals a double cannot hold (1e400 would
 * become Infinity, then null: a silent change). Walked without recursion. The whole body is
 * checked from its root; JSON that arrives inside it (an event's opened `encryptedData`) is
 * checked as what it stands for: from its field, at that field's depth, so that both envelopes
 * of one payload obey one rule.
 */
export function jsonBodyProblem(
  body: unknown,
  at: { field: string; depth: number } = { field: '', depth: 0 },
): ApiError | undefined {
  const stack: [unknown, string, number][] = [[body, at.field, at.depth]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return invalidField(
        path || 'body',
        'is a number beyond what JSON numbers can hold (±1.8e308): send it as a string',
      );
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      return new ApiError(
        HttpStatus.BAD_REQUEST,
        'JSON_TOO_DEEP',
        at.field
          ? `${at.field} nests deeper than ${MAX_JSON_DEPTH - at.depth} levels of objects and arrays, as data may`
          : `The request body nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`,
        [{ field: at.field || 'body', problems: [`nests deeper than ${MAX_JSON_DEPTH - at.depth} levels`] }],
      );
    }
    for (const key of Object.keys(value)) {
      stack.push([(value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, depth + 1]);
    }
  }
  return undefined;
}

function checkJson(req: Request, _res: Response, next: NextFunction): void {
  next(req.body === undefined ? undefined : jsonBodyProblem(req.body));
}

/** The middleware chain, in order: declared size, declared type, parsing (with UTF-8 check), its errors, shape. */
export function jsonBody(): (RequestHandler | typeof parserErrors)[] {
  return [
    refuseDeclaredOversize,
    requireJson,
    json({ limit: JSON_BODY_LIMIT, type: () => true, verify: verifyBody }),
    parserErrors,
    checkJson,
  ];
}
