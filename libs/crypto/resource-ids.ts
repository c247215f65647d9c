import { createHash, randomBytes } from 'node:crypto';
import { base62 } from './base62';

/**
 * A new resource ID (`ws_…`, `app_…`, `wh_…`, `evt_…`): 128 random bits, or, for a request that
 * carries an Idempotency-Key, 128 bits of the key's hash within its scope (the workspace, the
 * application), so that repeating the request names the same resource.
 */
export function resourceId(
  prefix: 'ws' | 'app' | 'wh' | 'evt',
  idempotent?: { scope: string; key: string },
): string {
  const bits = idempotent
    ? createHash('sha256').update(`${idempotent.scope}\n${idempotent.key}`).digest().subarray(0, 16)
    : randomBytes(16);
  return `${prefix}_${base62(bits)}`;
}
