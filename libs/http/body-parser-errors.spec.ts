import { ApiError } from './api-error';
import { bodyParserErrors } from './body-parser-errors';

const passedOn = (err: unknown): unknown => {
  let forwarded: unknown;
  bodyParserErrors(err, {} as never, {} as never, (e?: unknown) => (forwarded = e));
  return forwarded;
};

describe('bodyParserErrors', () => {
  it('turns a JSON syntax error into 400 MALFORMED_JSON without the parser message', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token s in "{secret"'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    const forwarded = passedOn(parserError) as ApiError;
    expect(forwarded).toBeInstanceOf(ApiError);
    expect(forwarded.getStatus()).toBe(400);
    expect(forwarded.code).toBe('MALFORMED_JSON');
    expect(forwarded.message).not.toContain('secret');
  });

  it('turns an oversized body into 413 PAYLOAD_TOO_LARGE', () => {
    const forwarded = passedOn(
      Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }),
    ) as ApiError;
    expect([forwarded.getStatus(), forwarded.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('passes other errors on untouched', () => {
    const other = new Error('boom');
    expect(passedOn(other)).toBe(other);
  });
});
