import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptJson } from '../../libs/crypto/envelope';
import { ENCRYPTION_METHODS } from '../../libs/domain/applications';

type Decrypt = (envelope: unknown, cryptoKeyBase64: string, applicationId: string) => unknown;

/** The README's decryption snippet for recipients, run as written. */
function readmeDecrypt(): Decrypt {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section =
    /<!-- recipient-decrypt:start -->\s*```js\n([\s\S]*?)```\s*<!-- recipient-decrypt:end -->/.exec(readme);
  if (!section) throw new Error('README has no recipient-decrypt snippet');
  return new Function('require', `${section[1]}\nreturn decryptEnvelope;`)(require) as Decrypt;
}

describe('README: decrypting an envelope with Node’s crypto', () => {
  const decrypt = readmeDecrypt();
  const key = randomBytes(32);
  const data = { applicantId: 'appl_42', status: 'COMPLETED', documents: [{ type: 'PASSPORT' }] };

  it.each(ENCRYPTION_METHODS)('decrypts what the service encrypts with %s', (method) => {
    const envelope = encryptJson(data, method, { material: key, version: 7 }, 'app_readme');
    expect(decrypt(JSON.parse(JSON.stringify(envelope)), key.toString('base64'), 'app_readme')).toEqual(data);
  });

  it.each(ENCRYPTION_METHODS)('rejects a tampered %s envelope, or one for another application', (method) => {
    const envelope = encryptJson(data, method, { material: key, version: 7 }, 'app_readme');
    const flipped = Buffer.from(envelope.ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(() =>
      decrypt({ ...envelope, ciphertext: flipped.toString('base64') }, key.toString('base64'), 'app_readme'),
    ).toThrow();
    expect(() => decrypt({ ...envelope, kid: 8 }, key.toString('base64'), 'app_readme')).toThrow();
    expect(() => decrypt(envelope, key.toString('base64'), 'app_other')).toThrow();
    expect(() => decrypt(envelope, randomBytes(32).toString('base64'), 'app_readme')).toThrow();
  });
});
