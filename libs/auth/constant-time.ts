import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in time that depends on neither: both are
 * hashed to the same length first, so not even the length leaks.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined when there is none. The
 * scheme's name is case-insensitive and followed by one or more spaces (RFC 9110, 11.4).
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([\x21-\x7e]{1,512})$/i.exec(header ?? '');
  return match?.[1];
}
