import {
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign as signBytes,
} from 'node:crypto';
import type { WebhookSignature } from '../domain/webhooks';

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` carries, space-separated (several
 * during a rotation), `v1,<base64 HMAC-SHA256>` keyed by the bytes of a `whsec_<base64>` secret, or
 * `v1a,<base64 ed25519 signature>` made with a `whsk_<base64 of seed and public key>` secret key,
 * which receivers check with its `whpk_<base64 of the 32-byte public key>`; both over
 * `<id>.<timestamp>.<body>`.
 */
const HMAC = 'whsec_';
const SECRET_KEY = 'whsk_';
const PUBLIC_KEY = 'whpk_';

/** A new signing secret: `whsec_` and 32 random bytes, or an ed25519 `whsk_` secret key. */
export function generateSigningSecret(scheme: WebhookSignature = 'hmac-sha256'): string {
  if (scheme === 'hmac-sha256') return `${HMAC}${randomBytes(32).toString('base64')}`;
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const bytes = Buffer.concat([Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url')]);
  return `${SECRET_KEY}${bytes.toString('base64')}`;
}

export function isSigningSecret(value: string): boolean {
  if (!value.startsWith(HMAC)) return false;
  const bytes = Buffer.from(value.slice(HMAC.length), 'base64');
  return bytes.length >= 24 && bytes.toString('base64') === value.slice(HMAC.length);
}

/**
 * What the receiver is given to verify with: the `whsec_` secret itself, or the `whpk_` public key
 * of a `whsk_` secret key (which never leaves the service).
 */
export function verificationKeyOf(secret: string): string {
  if (!secret.startsWith(SECRET_KEY)) return secret;
  return `${PUBLIC_KEY}${Buffer.from(secret.slice(SECRET_KEY.length), 'base64').subarray(32).toString('base64')}`;
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const signed = Buffer.from(`${id}.${timestampSeconds}.${body}`, 'utf8');
  if (secret.startsWith(SECRET_KEY)) {
    const bytes = Buffer.from(secret.slice(SECRET_KEY.length), 'base64');
    const key = createPrivateKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        d: bytes.subarray(0, 32).toString('base64url'),
        x: bytes.subarray(32).toString('base64url'),
      },
      format: 'jwk',
    });
    return `v1a,${signBytes(null, signed, key).toString('base64')}`;
  }
  const key = Buffer.from(secret.slice(HMAC.length), 'base64');
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

/** The Standard Webhooks headers for one attempt, signed with every given secret. */
export function webhookHeaders(
  secrets: string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => sign(secret, id, timestampSeconds, body)).join(' '),
  };
}
