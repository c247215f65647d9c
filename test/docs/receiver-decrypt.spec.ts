import { randomBytes } from 'node:crypto';
import { encryptJson } from '../../libs/crypto/envelope';
import { ENCRYPTION_METHODS } from '../../libs/domain/applications';
import { docSnippet } from '../support/doc-snippets';

type Decrypt = (envelope: unknown, cryptoKeyBase64: string, applicationId: string) => unknown;

describe('docs/receivers.md: decrypting an envelope with Node’s crypto', () => {
  const decrypt = docSnippet<Decrypt>('receivers.md', 'recipient-decrypt', 'decryptEnvelope');
  const key = randomBytes(32);
  const data = { applicantId: 'appl_42', status: 'COMPLETED', documents: [{ type: 'PASSPORT' }] };

  it.each(ENCRYPTION_METHODS)('decrypts what the service encrypts with %s', (method) => {
    const envelope = encryptJson(data, method, { material: key, version: 7 }, 'app_docs');
    expect(decrypt(JSON.parse(JSON.stringify(envelope)), key.toString('base64'), 'app_docs')).toEqual(data);
  });

  it.each(ENCRYPTION_METHODS)('rejects a tampered %s envelope, or one for another application', (method) => {
    const envelope = encryptJson(data, method, { material: key, version: 7 }, 'app_docs');
    const flipped = Buffer.from(envelope.ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(() =>
      decrypt({ ...envelope, ciphertext: flipped.toString('base64') }, key.toString('base64'), 'app_docs'),
    ).toThrow();
    expect(() => decrypt({ ...envelope, kid: 8 }, key.toString('base64'), 'app_docs')).toThrow();
    expect(() => decrypt(envelope, key.toString('base64'), 'app_other')).toThrow();
    expect(() => decrypt(envelope, randomBytes(32).toString('base64'), 'app_docs')).toThrow();
  });
});
