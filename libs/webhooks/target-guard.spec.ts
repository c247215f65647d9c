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
    // Every IPv6 form that embeds or maps an IPv4 address, and ranges that route elsewhere.
    '::7f00:1',
    '::127.0.0.1',
    '::a9fe:a9fe',
    '0:0:0:0:0:ffff:7f00:1',
    '::ffff:0:7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b:1::7f00:1',
    '2002:a9fe:a9fe::1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    '100::1',
    '2001:db8::1',
    '3fff::1',
    'fec0::1',
    'ff02::1',
    '5f00::1',
    '2001:2::1',
    '1::1',
    '4000::1',
  ])('refuses %s', (ip) => {
    expect(addressProblem(ip)).toMatch(/is a .* address, not a public one/);
    expect(addressProblem(ip)).toMatch(/not a public one/);
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
