import { randomBytes } from 'node:crypto';
import { ENCRYPTION_METHODS } from '../domain/applications';
import { decryptJson, encryptJson, EnvelopeError, parseEnvelope } from './envelope';

const key = { material: randomBytes(32), version: 3 };
const data = { applicantId: 'appl_123', status: 'COMPLETED', nested: { list: [1, 'two', null] } };

describe.each(ENCRYPTION_METHODS)('%s envelopes', (method) => {
  const envelope = () => encryptJson(data, method, key, 'app_1');

  it('round-trip JSON and name their algorithm and key version', () => {
    const e = envelope();
    expect(e).toMatchObject({ alg: method, kid: 3 });
    expect(Object.keys(e).sort()).toEqual(
      method === 'AES-256-GCM'
        ? ['alg', 'ciphertext', 'iv', 'kid', 'tag']
        : ['alg', 'ciphertext', 'iv', 'kid', 'mac'],
    );
    expect(Buffer.from(e.iv, 'base64')).toHaveLength(method === 'AES-256-GCM' ? 12 : 16);
    expect(decryptJson(parseEnvelope(JSON.parse(JSON.stringify(e))), key.material, 'app_1')).toEqual(data);
    expect(envelope().iv).not.toBe(e.iv);
  });

  it('fail on tampering with any part', () => {
    const e = envelope();
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[bytes.length - 1] ^= 1;
      return bytes.toString('base64');
    };
    const tampered = [
      { ...e, iv: flip(e.iv) },
      { ...e, ciphertext: flip(e.ciphertext) },
      method === 'AES-256-GCM' ? { ...e, tag: flip(e.tag!) } : { ...e, mac: flip(e.mac!) },
      { ...e, kid: 4 },
      {
        ...e,
        alg: method === 'AES-256-GCM' ? ('AES-256-CBC' as const) : ('AES-256-GCM' as const),
        tag: e.mac ?? e.tag,
        mac: e.tag ?? e.mac,
      },
    ];
    for (const t of tampered) expect(() => decryptJson(t, key.material, 'app_1')).toThrow(EnvelopeError);
  });

  it('fail for another application or another key', () => {
    expect(() => decryptJson(envelope(), key.material, 'app_2')).toThrow(EnvelopeError);
    expect(() => decryptJson(envelope(), randomBytes(32), 'app_1')).toThrow(EnvelopeError);
  });

  it('refuse a shortened tag or MAC', () => {
    const e = envelope();
    const short = (b64: string) => Buffer.from(b64, 'base64').subarray(0, 12).toString('base64');
    const cut = method === 'AES-256-GCM' ? { ...e, tag: short(e.tag!) } : { ...e, mac: short(e.mac!) };
    expect(() => decryptJson(cut, key.material, 'app_1')).toThrow(EnvelopeError);
  });
});

describe('parseEnvelope', () => {
  it('names what is wrong with an envelope', () => {
    const good = encryptJson(data, 'AES-256-GCM', key, 'app_1');
    const cases: [unknown, RegExp][] = [
      ['text', /must be an object/],
      [{ ...good, alg: 'AES-128-ECB' }, /alg must be one of AES-256-CBC, AES-256-GCM/],
      [{ ...good, kid: '3' }, /kid must be a key version/],
      [{ ...good, iv: 'not base64!' }, /iv must be a base64 string/],
      [{ ...good, tag: undefined }, /tag must be a base64 string/],
      [{ ...good, extra: 1 }, /unexpected field extra/],
    ];
    for (const [value, message] of cases) expect(() => parseEnvelope(value)).toThrow(message);
  });
});
