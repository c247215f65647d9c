import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { ENCRYPTION_METHODS, EncryptionMethod } from '../domain/applications';

/**
 * Data encrypted with an application's Crypto Key, as exchanged with the customer:
 * `{ alg, kid, iv, ciphertext, tag | mac }`, all binary fields base64.
 *
 * - AES-256-GCM: 12-byte IV, 16-byte tag, associated data = header.
 * - AES-256-CBC: 16-byte IV, PKCS#7, then HMAC-SHA256 over `header.iv.ciphertext` (encrypt-then-MAC),
 *   encryption and MAC keys derived from the Crypto Key with HKDF-SHA256 (empty salt, info
 *   `cbc-hmac-sha256:enc` and `cbc-hmac-sha256:mac`).
 *
 * header = `<alg>.<applicationId>.<kid>`: binds the data to the application and key version.
 */
export interface Envelope {
  alg: EncryptionMethod;
  /** Crypto Key version. */
  kid: number;
  iv: string;
  ciphertext: string;
  tag?: string;
  mac?: string;
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

const GCM_IV_BYTES = 12;
const CBC_IV_BYTES = 16;
const TAG_BYTES = 16;
const MAC_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const header = (alg: EncryptionMethod, applicationId: string, kid: number) =>
  `${alg}.${applicationId}.${kid}`;

function cbcKeys(cryptoKey: Buffer): { encKey: Buffer; macKey: Buffer } {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', cryptoKey, Buffer.alloc(0), info, 32));
  return { encKey: derive('cbc-hmac-sha256:enc'), macKey: derive('cbc-hmac-sha256:mac') };
}

const cbcMac = (macKey: Buffer, head: string, iv: string, ciphertext: string) =>
  createHmac('sha256', macKey).update(`${head}.${iv}.${ciphertext}`, 'utf8').digest();

export function encryptJson(
  value: unknown,
  method: EncryptionMethod,
  key: { material: Buffer; version: number },
  applicationId: string,
): Envelope {
  return encryptJsonText(JSON.stringify(value), method, key, applicationId);
}

/** The same, for JSON already written out (its numbers kept exactly as written). */
export function encryptJsonText(
  json: string,
  method: EncryptionMethod,
  key: { material: Buffer; version: number },
  applicationId: string,
): Envelope {
  const plaintext = Buffer.from(json, 'utf8');
  const head = header(method, applicationId, key.version);
  if (method === 'AES-256-GCM') {
    const iv = randomBytes(GCM_IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(head, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
    return {
      alg: method,
      kid: key.version,
      iv: iv.toString('base64'),
      ciphertext,
      tag: cipher.getAuthTag().toString('base64'),
    };
  }
  const { encKey, macKey } = cbcKeys(key.material);
  const iv = randomBytes(CBC_IV_BYTES);
  const cipher = createCipheriv('aes-256-cbc', encKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
  const ivB64 = iv.toString('base64');
  return {
    alg: method,
    kid: key.version,
    iv: ivB64,
    ciphertext,
    mac: cbcMac(macKey, head, ivB64, ciphertext).toString('base64'),
  };
}

/** Checks an untrusted value is an envelope, naming the first field that is not right. */
export function parseEnvelope(value: unknown): Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnvelopeError('the envelope must be an object { alg, kid, iv, ciphertext, tag | mac }');
  }
  const e = value as Record<string, unknown>;
  if (!ENCRYPTION_METHODS.includes(e.alg as EncryptionMethod)) {
    throw new EnvelopeError(`alg must be one of ${ENCRYPTION_METHODS.join(', ')}`);
  }
  if (!Number.isSafeInteger(e.kid) || (e.kid as number) < 1)
    throw new EnvelopeError('kid must be a key version (1, 2, …)');
  const fields = e.alg === 'AES-256-GCM' ? ['iv', 'ciphertext', 'tag'] : ['iv', 'ciphertext', 'mac'];
  for (const field of fields) {
    if (typeof e[field] !== 'string' || !BASE64.test(e[field] as string)) {
      throw new EnvelopeError(`${field} must be a base64 string`);
    }
  }
  const unexpected = Object.keys(e).filter((k) => !['alg', 'kid', ...fields].includes(k));
  if (unexpected.length > 0) throw new EnvelopeError(`unexpected field ${unexpected[0]} for ${e.alg}`);
  return e as unknown as Envelope;
}

/** Decrypts and parses an envelope with the Crypto Key version it names; any tampering fails. */
export function decryptJson(envelope: Envelope, cryptoKey: Buffer, applicationId: string): unknown {
  const head = header(envelope.alg, applicationId, envelope.kid);
  const iv = Buffer.from(envelope.iv, 'base64');
  const ciphertext = Buffer.from(envelope.ciphertext, 'base64');
  let plaintext: Buffer;
  if (envelope.alg === 'AES-256-GCM') {
    const tag = Buffer.from(envelope.tag ?? '', 'base64');
    if (iv.length !== GCM_IV_BYTES)
      throw new EnvelopeError(`iv must be ${GCM_IV_BYTES} bytes for AES-256-GCM`);
    if (tag.length !== TAG_BYTES) throw new EnvelopeError(`tag must be ${TAG_BYTES} bytes`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', cryptoKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(head, 'utf8'));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new EnvelopeError(
        'the envelope does not decrypt: tampered with, or not made with this key and application',
      );
    }
  } else {
    if (iv.length !== CBC_IV_BYTES)
      throw new EnvelopeError(`iv must be ${CBC_IV_BYTES} bytes for AES-256-CBC`);
    const { encKey, macKey } = cbcKeys(cryptoKey);
    const mac = Buffer.from(envelope.mac ?? '', 'base64');
    const expected = cbcMac(macKey, head, envelope.iv, envelope.ciphertext);
    // Checked in constant time, before any decryption (no padding oracle).
    if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, expected)) {
      throw new EnvelopeError(
        'the envelope does not verify: tampered with, or not made with this key and application',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-cbc', encKey, iv);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new EnvelopeError('the envelope does not decrypt');
    }
  }
  try {
    return JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new EnvelopeError('the decrypted data is not JSON');
  }
}
