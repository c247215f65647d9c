import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, isSigningSecret, verificationKeyOf, webhookHeaders } from './signing';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'APPLICANT_COMPLETED', data: { applicantId: 'a' } });
  const now = Math.floor(Date.now() / 1000);

  it('makes secrets of the whsec_ form with at least 24 random bytes', () => {
    const secret = generateSigningSecret();
    expect(isSigningSecret(secret)).toBe(true);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(generateSigningSecret()).not.toBe(secret);
    expect(isSigningSecret('whsec_short')).toBe(false);
  });

  it('signs so that the standardwebhooks library verifies, with either secret during a rotation', () => {
    const [oldSecret, newSecret] = [generateSigningSecret(), generateSigningSecret()];
    const headers = webhookHeaders([newSecret, oldSecret], 'evt_1', now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret])
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(newSecret).verify(`${body} `, headers)).toThrow();
  });

  it('is refused by a verifier when the timestamp is outside its 5-minute tolerance', () => {
    const secret = generateSigningSecret();
    const stale = webhookHeaders([secret], 'evt_1', now - 6 * 60, body);
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/timestamp/i);
  });
});

describe('Standard Webhooks ed25519 signing (v1a)', () => {
  const body = JSON.stringify({ id: 'evt_2', type: 'APPLICANT_COMPLETED', data: {} });
  const now = Math.floor(Date.now() / 1000);
  /** An independent check: Node's verify with the public key as a receiver gets it (whpk_). */
  const verifies = (publicKey: string, signature: string, signedBody = body) => {
    const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    return verify(
      null,
      Buffer.from(`evt_2.${now}.${signedBody}`),
      key,
      Buffer.from(signature.replace(/^v1a,/, ''), 'base64'),
    );
  };

  it('signs with a whsk_ key that receivers verify with its whpk_ public key, beside HMAC during a change', () => {
    const secretKey = generateSigningSecret('ed25519');
    expect(secretKey).toMatch(/^whsk_/);
    expect(Buffer.from(secretKey.slice(5), 'base64')).toHaveLength(64);
    const publicKey = verificationKeyOf(secretKey);
    expect(publicKey).toMatch(/^whpk_/);
    expect(Buffer.from(publicKey.slice(5), 'base64')).toHaveLength(32);
    const hmac = generateSigningSecret();
    expect(verificationKeyOf(hmac)).toBe(hmac);

    const headers = webhookHeaders([secretKey, hmac], 'evt_2', now, body);
    const [asymmetric, symmetric] = headers['webhook-signature'].split(' ');
    expect(asymmetric).toMatch(/^v1a,/);
    expect(verifies(publicKey, asymmetric)).toBe(true);
    expect(verifies(publicKey, asymmetric, `${body} `)).toBe(false);
    expect(verifies(verificationKeyOf(generateSigningSecret('ed25519')), asymmetric)).toBe(false);
    expect(symmetric).toMatch(/^v1,/);
    expect(new Webhook(hmac).verify(body, headers)).toEqual(JSON.parse(body));
  });
});
