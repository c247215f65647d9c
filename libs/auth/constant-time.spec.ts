import { bearerToken, secretsEqual } from './constant-time';

describe('secretsEqual', () => {
  it('is true only for the same secret, whatever the lengths', () => {
    expect(secretsEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretsEqual('s3cret-token', 's3cret-tokeN')).toBe(false);
    expect(secretsEqual('s3cret', 's3cret-token')).toBe(false);
    expect(secretsEqual('', 's3cret-token')).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header and nothing else', () => {
    expect(bearerToken('Bearer abc.DEF-123')).toBe('abc.DEF-123');
    // RFC 9110: the scheme is case-insensitive, then one or more spaces.
    for (const header of ['bearer abc', 'BEARER abc', 'Bearer  abc']) expect(bearerToken(header)).toBe('abc');
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic abc',
      'Bearerabc',
      'Bearer\tabc',
      'Bearer a b',
      `Bearer ${'x'.repeat(513)}`,
    ]) {
      expect(bearerToken(header)).toBeUndefined();
    }
  });
});
