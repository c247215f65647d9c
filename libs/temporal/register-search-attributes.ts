import { Connection, isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from './search-attributes';

const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;
const hasCode = (err: unknown, code: number) => isGrpcServiceError(err) && err.code === code;

/**
 * Makes sure the namespace has the service's search attributes (all Keyword). Idempotent: adds only
 * the missing ones, so every worker may run it at start. (Temporal's time-skipping test server
 * cannot list them: then all are added, and those it has already are left as they are.)
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  let missing: string[] = [...SEARCH_ATTRIBUTE_NAMES];
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    missing = missing.filter((name) => !(name in (customAttributes ?? {})));
  } catch (err) {
    if (!hasCode(err, GRPC_UNIMPLEMENTED)) throw err;
  }
  if (missing.length === 0) return [];
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])),
    });
  } catch (err) {
    if (!hasCode(err, GRPC_ALREADY_EXISTS)) throw err;
  }
  return missing;
}
