import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { docSnippet } from '../support/doc-snippets';
import { type ReceivedRequest } from '../support/receiver';
import {
  addWebhook,
  afterWebhookCacheBound,
  finishedDelivery,
  sendEvent,
  tenantWithApplication,
} from '../support/webhooks';
import { useStack } from '../support/stack';

/**
 * ed25519 signatures (Standard Webhooks v1a): the service keeps the secret key, the receiver gets
 * the whpk_ public key and verifies with it, independently (Node's own verify); rotating and
 * changing the signature keep the previous key signing during the overlap.
 */
describe('ed25519 signatures', () => {
  const stack = useStack();
  const { receivers } = stack;

  /** The v1a signatures of a request that this whpk_ public key verifies. */
  const verifiedBy = (publicKey: string, request: ReceivedRequest) => {
    const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    const signed = Buffer.from(
      `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`,
    );
    return String(request.headers['webhook-signature'])
      .split(' ')
      .filter((s) => s.startsWith('v1a,') && verify(null, signed, key, Buffer.from(s.slice(4), 'base64')));
  };

  it('signs with v1a that the public key verifies, through a rotation and a change back to HMAC', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receivers.start();
    const webhook = await addWebhook(as, app.id, { url: target.url, signature: 'ed25519' });
    expect(webhook.secret).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const secretPath = `/v1/applications/${app.id}/webhooks/${webhook.id}/secret`;
    expect((await as.get(secretPath).expect(200)).body.secret).toBe(webhook.secret);
    expect(
      (await as.get(`/v1/applications/${app.id}/webhooks/${webhook.id}`).expect(200)).body.signature,
    ).toBe('ed25519');
    const delivered = async () => {
      const eventId = await sendEvent(as, app.id);
      await finishedDelivery(as, app.id, eventId, webhook.id);
      return target.requests.find((r) => r.headers['webhook-id'] === eventId)!;
    };

    const first = await delivered();
    expect(String(first.headers['webhook-signature'])).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiedBy(webhook.secret, first)).toHaveLength(1);

    const rotated = (await as.post(`${secretPath}/rotate`, { overlap: 'PT1H' }).expect(200)).body;
    expect(rotated.secret).toMatch(/^whpk_/);
    expect(rotated.secret).not.toBe(webhook.secret);
    await afterWebhookCacheBound(); // the worker signs with what it read at most that long ago
    const during = await delivered();
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiedBy(rotated.secret, during)).toHaveLength(1);
    expect(verifiedBy(webhook.secret, during)).toHaveLength(1);

    const back = await as
      .patch(`/v1/applications/${app.id}/webhooks/${webhook.id}`, { signature: 'hmac-sha256' })
      .expect(200);
    expect(back.body).toMatchObject({ signature: 'hmac-sha256', secret: expect.stringMatching(/^whsec_/) });
    expect((await as.get(secretPath).expect(200)).body.secret).toBe(back.body.secret);
    await afterWebhookCacheBound();
    const after = await delivered();
    // The HMAC secret verifies with the standardwebhooks library; the ed25519 keys sign for the overlap.
    expect(
      new Webhook(back.body.secret).verify(after.body, after.headers as Record<string, string>),
    ).toBeTruthy();
    expect(verifiedBy(rotated.secret, after)).toHaveLength(1);
  });

  it('is verified by the receiver guide’s own code (docs/receivers.md), and refused by another key', async () => {
    type Verify = (rawBody: string, headers: Record<string, unknown>, publicKey: string) => unknown;
    const verifyEd25519 = docSnippet<Verify>('receivers.md', 'recipient-verify-ed25519', 'verifyEd25519');
    const { app, as } = await tenantWithApplication(stack.client);
    const target = await receivers.start();
    const webhook = await addWebhook(as, app.id, { url: target.url, signature: 'ed25519' });
    const eventId = await sendEvent(as, app.id, { data: { applicantId: 'appl_7' } });
    await finishedDelivery(as, app.id, eventId, webhook.id);
    const [request] = target.requests;
    expect(verifyEd25519(request.body, request.headers, webhook.secret)).toMatchObject({
      id: eventId,
      data: { applicantId: 'appl_7' },
    });
    const other = await addWebhook(as, app.id, { url: 'http://127.0.0.1:9/h', signature: 'ed25519' });
    expect(() => verifyEd25519(request.body, request.headers, other.secret)).toThrow(/no v1a signature/);
    expect(() => verifyEd25519(`${request.body} `, request.headers, webhook.secret)).toThrow(
      /no v1a signature/,
    );
  });

  it('refuses an unknown signature scheme, naming the field', async () => {
    const { app, as } = await tenantWithApplication(stack.client);
    const res = await as
      .post(`/v1/applications/${app.id}/webhooks`, {
        name: 'x',
        url: 'http://127.0.0.1:9/h',
        signature: 'rsa',
      })
      .expect(400);
    expect(JSON.stringify(res.body)).toContain("signature must be 'hmac-sha256' or 'ed25519'");
    expect((await as.get(`/v1/applications/${app.id}/webhooks`).expect(200)).body.items).toEqual([]);
  });
});
