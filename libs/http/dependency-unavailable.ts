import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { mongo } from 'mongoose';

/** gRPC codes of a Temporal that is down, overloaded or slower than the call's deadline. */
const TEMPORAL_UNAVAILABLE_CODES = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  14, // UNAVAILABLE
]);

/** The driver's errors for a database it cannot reach (MongoPoolClearedError is a MongoNetworkError). */
const DATABASE_UNREACHABLE = [
  mongo.MongoNetworkError,
  mongo.MongoServerSelectionError,
  mongo.MongoServerClosedError,
  mongo.MongoTopologyClosedError,
  mongo.MongoNotConnectedError,
  mongo.MongoClientClosedError,
];

/**
 * The dependency an error says is out of reach for the moment, so that the same request may succeed
 * later: `Temporal` (after the client's own retries), `the database`; undefined for any other error.
 */
export function unavailableDependency(err: unknown): 'Temporal' | 'the database' | undefined {
  const grpc = err instanceof ServiceError && err.cause !== undefined ? err.cause : err;
  if (isGrpcServiceError(grpc) && TEMPORAL_UNAVAILABLE_CODES.has(grpc.code)) return 'Temporal';
  if (DATABASE_UNREACHABLE.some((type) => err instanceof type)) return 'the database';
  // Mongoose's own while it waits for a connection: its server selection, a buffered operation's timeout.
  if (
    err instanceof Error &&
    (err.name === 'MongooseServerSelectionError' || /buffering timed out/.test(err.message))
  )
    return 'the database';
  return undefined;
}
