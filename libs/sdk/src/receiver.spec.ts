import { verifyWebhook, WebhookVerificationError } from './receiver.ts';

/**
 * The Standard Webhooks test vectors: the cases of its reference library's own tests
 * (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts), with the
 * published signature of the known message, secret and timestamp.
 */
describe('verifyWebhook: the Standard Webhooks test vectors', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const timestamp = 1614265330;
  const payload = '{"test": 2432232314}';
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
  const at = (seconds: number) => ({ now: () => seconds * 1000 });
  const headers = (overrides: Record<string, string | undefined> = {}) => {
    const all: Record<string, string | undefined> = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
  };
  const refused = (h: Record<string, string>, key = secret, when = at(timestamp)) =>
    expect(() => verifyWebhook(h, payload, key, when)).toThrow(WebhookVerificationError);

  it('verifies the published signature, with the whsec_ prefix and without', () => {
    expect(verifyWebhook(headers(), payload, secret, at(timestamp))).toEqual({ test: 2432232314 });
    expect(verifyWebhook(headers(), Buffer.from(payload), secret.slice(6), at(timestamp))).toEqual({
      test: 2432232314,
    });
  });

  it('verifies when one of several signatures (other versions, wrong ones) is valid', () => {
    const wrong = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    const several = [wrong, 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', signature, wrong].join(' ');
    expect(verifyWebhook(headers({ 'webhook-signature': several }), payload, secret, at(timestamp))).toEqual({
      test: 2432232314,
    });
  });

  it('refuses a missing id, timestamp or signature, and an invalid timestamp', () => {
    refused(headers({ 'webhook-id': undefined }));
    refused(headers({ 'webhook-timestamp': undefined }));
    refused(headers({ 'webhook-signature': undefined }));
    refused(headers({ 'webhook-timestamp': 'hello' }));
  });

  it('refuses an invalid, a partial or an empty signature, and another id or body', () => {
    refused(headers({ 'webhook-signature': 'v1,dawfeoifkpqwoekfpqoekf' }));
    refused(headers({ 'webhook-signature': signature.slice(0, 8) }));
    refused(headers({ 'webhook-signature': 'v1,' }));
    refused(headers({ 'webhook-id': 'msg_other' }));
    expect(() => verifyWebhook(headers(), '{"test": 2432232315}', secret, at(timestamp))).toThrow(
      WebhookVerificationError,
    );
  });

  it('refuses a timestamp more than 5 minutes old or ahead', () => {
    refused(headers(), secret, at(timestamp + 5 * 60 + 1));
    refused(headers(), secret, at(timestamp - 5 * 60 - 1));
    expect(verifyWebhook(headers(), payload, secret, at(timestamp + 5 * 60))).toEqual({ test: 2432232314 });
  });
});
