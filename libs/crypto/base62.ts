const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Big-endian base62 of the bytes, left-padded with '0' to `width` characters when given. */
export function base62(bytes: Buffer, width = 0): string {
  let value = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let out = '';
  while (value > 0n) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(width, '0');
}

export const BASE62 = /^[0-9A-Za-z]+$/;
