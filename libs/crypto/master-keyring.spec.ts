import { randomBytes } from 'node:crypto';
import { MasterKeyError, MasterKeyring, masterKeyId, parseMasterKey } from './master-keyring';

describe('MasterKeyring', () => {
  const key = randomBytes(32);
  const ring = new MasterKeyring(key);
  const secret = Buffer.from('crypto key material');

  it('seals with a fresh IV each time and opens for the same record only', () => {
    const a = ring.seal(secret, 'app_1/cryptoKey');
    const b = ring.seal(secret, 'app_1/cryptoKey');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toContain(secret.toString('base64'));
    expect(a.mk).toBe(masterKeyId(key));
    expect(ring.open(a, 'app_1/cryptoKey')).toEqual(secret);
    expect(() => ring.open(a, 'app_2/cryptoKey')).toThrow(MasterKeyError);
  });

  it('detects tampering with any part', () => {
    const sealed = ring.seal(secret, 'r');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    for (const field of ['iv', 'ct', 'tag'] as const) {
      expect(() => ring.open({ ...sealed, [field]: flip(sealed[field]) }, 'r')).toThrow(MasterKeyError);
    }
    expect(() =>
      ring.open({ ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 8).toString('base64') }, 'r'),
    ).toThrow('corrupt');
  });

  it('opens what an older master key sealed after rotation, and flags it for re-sealing', () => {
    const oldSealed = ring.seal(secret, 'r');
    const rotated = new MasterKeyring(randomBytes(32), [key]);
    expect(rotated.isStale(oldSealed)).toBe(true);
    expect(rotated.open(oldSealed, 'r')).toEqual(secret);
    const resealed = rotated.seal(rotated.open(oldSealed, 'r'), 'r');
    expect(rotated.isStale(resealed)).toBe(false);
    expect(() => new MasterKeyring(randomBytes(32)).open(oldSealed, 'r')).toThrow(/not configured/);
  });

  it('accepts only the base64 of 32 bytes as a master key, without echoing it', () => {
    const good = randomBytes(32).toString('base64');
    expect(parseMasterKey(good)).toHaveLength(32);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), `${good}AA`]) {
      expect(() => parseMasterKey(bad)).toThrow(/MASTER_KEY must be the base64 of exactly 32 random bytes/);
    }
  });
});
