import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** A secret sealed under a master key: what is stored at rest instead of the secret. */
export interface SealedSecret extends Ciphertext {
  /** Which master key sealed it (its fingerprint), so master keys can rotate. */
  mk: string;
}

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

const ALGORITHM = 'aes-256-gcm';

/** The associated data a stored secret is sealed with: its record and field, so it opens nowhere else. */
export const sealContext = (recordId: string, field: string) => `${recordId}/${field}`;

/** AES-256-GCM output, base64: what a key seals a secret into. */
export interface Ciphertext {
  iv: string;
  ct: string;
  tag: string;
}

/** Seals with AES-256-GCM under `key`, bound to `associatedData`. */
export function sealWithKey(key: Buffer, secret: Buffer, associatedData: string): Ciphertext {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ct = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Opens what sealWithKey sealed; MasterKeyError if it does not open (corrupt, another key or record). */
export function openWithKey(key: Buffer, sealed: Ciphertext, associatedData: string): Buffer {
  const tag = Buffer.from(sealed.tag, 'base64');
  if (tag.length !== 16) throw new MasterKeyError('Sealed secret is corrupt');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.iv, 'base64'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
  } catch {
    throw new MasterKeyError('Sealed secret does not open: corrupt, or not sealed for this record');
  }
}

/** A master key's public name: the first 16 hex digits of the SHA-256 of the key. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Decodes `MASTER_KEY`-style base64 into a 32-byte key, or says what is wrong (never the value). */
export function parseMasterKey(base64: string, name = 'MASTER_KEY'): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== base64.trim()) {
    throw new MasterKeyError(
      `${name} must be the base64 of exactly 32 random bytes (openssl rand -base64 32)`,
    );
  }
  return key;
}

/**
 * Seals secrets at rest with AES-256-GCM under the current master key, binding each to the record
 * and field it belongs to (associated data), so a sealed value copied elsewhere does not open.
 * Previous master keys still open what they sealed until everything is re-sealed.
 */
export class MasterKeyring {
  private readonly keys = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(current: Buffer, previous: Buffer[] = []) {
    this.currentId = masterKeyId(current);
    for (const key of [current, ...previous]) this.keys.set(masterKeyId(key), key);
  }

  /**
   * A key for one purpose (e.g. signing page cursors), derived from the current master key with
   * HKDF-SHA256: never the master key itself, and a different key per purpose.
   */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys.get(this.currentId)!, Buffer.alloc(0), purpose, 32));
  }

  seal(secret: Buffer, associatedData: string): SealedSecret {
    return { mk: this.currentId, ...sealWithKey(this.keys.get(this.currentId)!, secret, associatedData) };
  }

  open(sealed: SealedSecret, associatedData: string): Buffer {
    const key = this.keys.get(sealed.mk);
    if (!key) throw new MasterKeyError(`Sealed under master key ${sealed.mk}, which is not configured`);
    return openWithKey(key, sealed, associatedData);
  }

  /** Whether a value is sealed under an older master key and should be re-sealed. */
  isStale(sealed: SealedSecret): boolean {
    return sealed.mk !== this.currentId;
  }
}
