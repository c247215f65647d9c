import { addressProblem, assertPublicTarget, guardedLookup, TargetRefusedError } from './target-guard';

describe('webhook target guard', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
  ])('refuses %s', (ip) => {
    expect(addressProblem(ip)).toMatch(/is a .* address, not a public one/);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'accepts %s',
    (ip) => {
      expect(addressProblem(ip)).toBeUndefined();
    },
  );

  it('checks IP literals in URLs, bracketed IPv6 too, and names by what they resolve to', async () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/',
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      await expect(assertPublicTarget(new URL(url))).rejects.toThrow(TargetRefusedError);
    }
    await expect(assertPublicTarget(new URL('http://localhost:9/'))).rejects.toThrow(
      /localhost resolves to .*loopback/,
    );
    await expect(assertPublicTarget(new URL('https://8.8.8.8/hook'))).resolves.toBeUndefined();
  });

  it('refuses at connect time, after resolution, what a name resolves to (the address dialled)', async () => {
    const lookup = (all: boolean) =>
      new Promise((resolve) =>
        guardedLookup('localhost', { all }, (err, address) => resolve({ err, address })),
      );
    for (const all of [true, false]) {
      const { err, address } = (await lookup(all)) as { err: Error | null; address: unknown };
      expect(err).toBeInstanceOf(TargetRefusedError);
      expect(err?.message).toMatch(/localhost resolves to .* loopback address/);
      expect(address).toEqual([]);
    }
  });
});
