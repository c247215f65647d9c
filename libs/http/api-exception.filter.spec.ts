import { BadRequestException, HttpStatus, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ServiceError } from '@temporalio/client';
import { mongo } from 'mongoose';
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

  /** A gRPC error as @grpc/grpc-js makes them: a code, details and metadata. */
  const grpcError = (code: number, details: string) =>
    Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

  it('answers a dependency out of reach as a 503 to retry, naming which and nothing of the cause', () => {
    const temporalDown = [
      new ServiceError('Failed to start Workflow', { cause: grpcError(14, 'No connection established') }),
      new ServiceError('Failed to start Workflow', { cause: grpcError(4, 'context deadline exceeded') }),
      grpcError(8, 'namespace rate limit exceeded'),
    ];
    for (const err of temporalDown)
      expect(toErrorBody(err)).toEqual({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringMatching(
          /^Temporal cannot be reached for the moment; send the same request again/,
        ),
      });
    const databaseDown = [
      new mongo.MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', {
        type: 'Unknown',
        servers: new Map(),
        stale: false,
        compatible: true,
        heartbeatFrequencyMS: 10_000,
        localThresholdMS: 15,
      } as unknown as mongo.TopologyDescription),
      new mongo.MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'),
      new mongo.MongoNetworkTimeoutError('connection timed out'),
      Object.assign(new Error('Operation `webhooks.find()` buffering timed out after 10000ms'), {
        name: 'MongooseError',
      }),
    ];
    for (const err of databaseDown) {
      const body = toErrorBody(err);
      expect(body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(body.message).toMatch(/^the database cannot be reached/);
      expect(body.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|webhooks/);
    }
  });

  it('keeps errors of a reachable dependency as 500s: a refused write, an invalid gRPC call', () => {
    expect(
      toErrorBody(new mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 })).statusCode,
    ).toBe(500);
    expect(toErrorBody(grpcError(3, 'invalid argument')).statusCode).toBe(500);
    expect(toErrorBody(new ServiceError('Failed', { cause: grpcError(13, 'internal') })).statusCode).toBe(
      500,
    );
  });
});
