import {
  createDecipheriv,
  createHmac,
  createPublicKey,
  hkdfSync,
  timingSafeEqual,
  verify,
} from 'node:crypto';

/** The three Standard Webhooks headers, by name in any case (as Node, fetch or a framework gives them). */
export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** Why a delivery was refused. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

function header(headers: WebhookHeaders, name: string): string {
  const value =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get(name)
      : Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) throw new WebhookVerificationError(`missing ${name} header`);
  return text;
}

const equalBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Verifies a delivery (Standard Webhooks) and returns its body parsed: `secret` is the webhook's
 * `whsec_…` secret (HMAC-SHA256, `v1`; its base64 without the prefix too) or `whpk_…` public key (Ed25519, `v1a`), as `GET …/secret` shows it.
 * Any of the signatures in the header may match (two during a rotation's overlap); compared in
 * constant time; a timestamp outside the tolerance is refused. `rawBody`: the bytes as received.
 */
export function verifyWebhook(
  headers: WebhookHeaders,
  rawBody: string | Buffer,
  secret: string,
  { toleranceSeconds = 300, now = Date.now }: VerifyOptions = {},
): unknown {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature').split(' ');
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now() / 1000 - seconds) > toleranceSeconds)
    throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const signed = Buffer.from(`${id}.${timestamp}.${body}`);
  const valid = secret.startsWith('whpk_')
    ? verifiesEd25519(signatures, signed, secret)
    : verifiesHmac(signatures, signed, secret);
  if (!valid) throw new WebhookVerificationError('no signature verifies with this secret');
  return JSON.parse(body) as unknown;
}

function verifiesHmac(signatures: string[], signed: Buffer, secret: string): boolean {
  // Standard Webhooks secrets are base64, `whsec_` prefixed or not (as its libraries take them).
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  if (key.length === 0) throw new WebhookVerificationError('the secret must be whsec_… or whpk_…');
  const expected = createHmac('sha256', key).update(signed).digest();
  return signatures.some(
    (s) => s.startsWith('v1,') && equalBytes(Buffer.from(s.slice(3), 'base64'), expected),
  );
}

function verifiesEd25519(signatures: string[], signed: Buffer, publicKey: string): boolean {
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  if (raw.length !== 32) throw new WebhookVerificationError('a whpk_ key holds 32 bytes');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return signatures.some(
    (s) => s.startsWith('v1a,') && verify(null, signed, key, Buffer.from(s.slice(4), 'base64')),
  );
}

/** Data encrypted with an application's Crypto Key, as it travels (`encryptedData`). */
export interface EncryptedEnvelope {
  alg: 'AES-256-GCM' | 'AES-256-CBC';
  kid: number;
  iv: string;
  ciphertext: string;
  tag?: string;
  mac?: string;
}

/**
 * Opens `encryptedData` with the application's Crypto Key (base64; the version the envelope's
 * `kid` names) and returns the data. The header `<alg>.<applicationId>.<kid>` binds it to the
 * application: GCM's associated data, or covered by the CBC envelope's HMAC (checked first).
 */
export function openEncryptedData(
  envelope: EncryptedEnvelope,
  cryptoKey: string,
  applicationId: string,
): unknown {
  const key = Buffer.from(cryptoKey, 'base64');
  const header = `${envelope.alg}.${applicationId}.${envelope.kid}`;
  const iv = Buffer.from(envelope.iv, 'base64');
  const ciphertext = Buffer.from(envelope.ciphertext, 'base64');
  let decipher;
  if (envelope.alg === 'AES-256-GCM') {
    decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(header));
    decipher.setAuthTag(Buffer.from(envelope.tag ?? '', 'base64'));
  } else if (envelope.alg === 'AES-256-CBC') {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
    const expected = createHmac('sha256', derive('cbc-hmac-sha256:mac'))
      .update(`${header}.${envelope.iv}.${envelope.ciphertext}`)
      .digest();
    if (!equalBytes(Buffer.from(envelope.mac ?? '', 'base64'), expected))
      throw new WebhookVerificationError(
        'the envelope’s MAC does not verify: wrong key, application or data',
      );
    decipher = createDecipheriv('aes-256-cbc', derive('cbc-hmac-sha256:enc'), iv);
  } else {
    throw new WebhookVerificationError(`unknown alg ${String((envelope as { alg: unknown }).alg)}`);
  }
  return JSON.parse(
    Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8'),
  ) as unknown;
}
