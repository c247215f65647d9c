import { generateToken, tokenHash, tokenPrefix } from './tokens';

describe('tokens', () => {
  it('are prefixed, 256-bit random, and carry a checksum that verifies', () => {
    const token = generateToken('pak_live');
    expect(token).toMatch(/^pak_live_[0-9A-Za-z]{49}$/);
    expect(tokenPrefix(token)).toBe('pak_live');
    expect(tokenPrefix(generateToken('wst'))).toBe('wst');
    expect(generateToken('wst')).not.toBe(generateToken('wst'));
  });

  it('rejects a token whose any character changed, without a lookup', () => {
    const token = generateToken('pak_test');
    let rejected = 0;
    for (let i = 'pak_test_'.length; i < token.length; i++) {
      const changed = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
      if (tokenPrefix(changed) === undefined) rejected++;
    }
    expect(rejected).toBe(token.length - 'pak_test_'.length);
  });

  it('rejects other shapes and prefixes', () => {
    const body = generateToken('wst').slice(4);
    for (const token of [
      '',
      'wst_',
      `xyz_${body}`,
      `pak_live_${body}`,
      `wst_${body}x`,
      `wst_${body.slice(1)}`,
    ]) {
      expect(tokenPrefix(token)).toBeUndefined();
    }
  });

  it('are stored as a SHA-256 hash', () => {
    const token = generateToken('wst');
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).toBe(tokenHash(token));
    expect(tokenHash(token)).not.toContain(token.slice(4, 20));
  });
});
