import { randomBytes } from 'node:crypto';
import { encryptJson } from '../../libs/crypto/envelope';
import { ENCRYPTION_METHODS } from '../../libs/domain/applications';
import * as sdkPackage from '../../libs/sdk/src';
import { docSnippet } from '../support/doc-snippets';

type Decrypt = (envelope: unknown, cryptoKeyBase64: string, applicationId: string) => unknown;

type DataOf = (event: unknown, cryptoKeys: Record<number, string>) => unknown;
const dataOf = docSnippet<DataOf>('receivers.md', 'recipient-open', 'dataOf', {
  '@applications-webhooks/sdk': sdkPackage,
});

/** The guide's two ways: the SDK's openEncryptedData (taking a body), and Node's crypto. */
const snippets: [string, Decrypt][] = [
  [
    'the SDK',
    (envelope, key, applicationId) => dataOf({ applicationId, encryptedData: envelope }, { 7: key }),
  ],
  ['Node’s crypto', docSnippet<Decrypt>('receivers.md', 'recipient-decrypt', 'decryptEnvelope')],
];

describe.each(snippets)('docs/receivers.md: decrypting an envelope with %s', (_, decrypt) => {
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
