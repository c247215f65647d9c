import { BadRequestException, HttpStatus, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ApiError } from './api-error';
import { toErrorBody } from './api-exception.filter';

describe('toErrorBody', () => {
  it('keeps an ApiError as it is', () => {
    const error = new ApiError(HttpStatus.CONFLICT, 'NAME_TAKEN', 'name is taken', { field: 'name' });
    expect(toErrorBody(error)).toEqual({
      statusCode: 409,
      code: 'NAME_TAKEN',
      message: 'name is taken',
      details: { field: 'name' },
    });
  });

  it('gives Nest HTTP exceptions a code from their status', () => {
    expect(toErrorBody(new NotFoundException('Cannot GET /x'))).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /x',
    });
    expect(toErrorBody(new PayloadTooLargeException()).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorBody(new BadRequestException(['a is wrong', 'b is wrong'])).message).toBe(
      'a is wrong; b is wrong',
    );
  });

  it('answers anything else as a 500 that reveals nothing of the cause', () => {
    const body = toErrorBody(new Error('connect ECONNREFUSED mongodb://user:pass@db'));
    expect(body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: expect.any(String) });
    expect(body.message).not.toContain('ECONNREFUSED');
  });
});
