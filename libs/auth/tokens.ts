import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { base62 } from '../crypto/base62';

/**
 * Bearer tokens the service issues: `<prefix>_<43 base62 chars: 256 random bits><6 chars: CRC32>`.
 * The prefix says what the token is (so a leaked one is recognisable and routes can tell kinds
 * apart), the checksum rejects typos and forgeries without a database lookup. Tokens are stored
 * only as their SHA-256 (256 random bits need no slow hash), compared by that hash.
 */
export const TOKEN_KINDS = {
  workspace: 'wst',
  privateAppKeyTest: 'pak_test',
  privateAppKeyLive: 'pak_live',
} as const;
export type TokenPrefix = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];

const RANDOM_CHARS = 43;
const CHECKSUM_CHARS = 6;
const PATTERN = new RegExp(
  `^(wst|pak_test|pak_live)_([0-9A-Za-z]{${RANDOM_CHARS}})([0-9A-Za-z]{${CHECKSUM_CHARS}})$`,
);

function checksum(prefix: string, body: string): string {
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(`${prefix}_${body}`));
  return base62(sum, CHECKSUM_CHARS);
}

export function generateToken(prefix: TokenPrefix): string {
  const body = base62(randomBytes(32), RANDOM_CHARS);
  return `${prefix}_${body}${checksum(prefix, body)}`;
}

/** The token's prefix when it is well formed and its checksum holds; undefined otherwise. */
export function tokenPrefix(token: string): TokenPrefix | undefined {
  const match = PATTERN.exec(token);
  if (!match) return undefined;
  const [, prefix, body, sum] = match;
  return checksum(prefix, body) === sum ? (prefix as TokenPrefix) : undefined;
}

/** What is stored and looked up instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
