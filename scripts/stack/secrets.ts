import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A development secret kept in the data folder (mode 0600): generated on first use, the same on
 * every later start, so tokens handed out keep working across restarts.
 */
export function localSecret(
  file: string,
  bytes = 32,
  encoding: BufferEncoding = 'base64url',
): { value: string; created: boolean } {
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dirname(file), { recursive: true });
  const value = randomBytes(bytes).toString(encoding);
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}
