import { Webhook } from 'standardwebhooks';
import { generateSigningSecret, isSigningSecret, webhookHeaders } from './signing';

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
