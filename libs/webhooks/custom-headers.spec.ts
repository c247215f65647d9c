import { customHeaderProblems, isSensitiveHeader, maskHeaderValue } from './custom-headers';

describe('custom headers', () => {
  it('accepts ordinary headers', () => {
    expect(
      customHeaderProblems([
        { key: 'X-Tenant', value: 'acme' },
        { key: 'Authorization', value: 'Bearer abc' },
      ]),
    ).toEqual([]);
  });

  it.each([
    'Host',
    'content-length',
    'Content-Type',
    'content-encoding',
    'Transfer-Encoding',
    'connection',
    'keep-alive',
    'upgrade',
    'TE',
    'trailer',
    'Proxy-Authorization',
    'proxy-anything',
    'webhook-signature',
    'Webhook-Id',
    'webhook-timestamp',
    'webhook-custom',
    'User-Agent',
  ])('refuses %s, saying the service sets it', (key) => {
    expect(customHeaderProblems([{ key, value: 'x' }])).toEqual([
      `headers.0.key: ${key} is set by the service and cannot be a custom header`,
    ]);
  });

  it('refuses invalid names, values HTTP cannot carry and long values, duplicates and too many, naming each', () => {
    expect(customHeaderProblems([{ key: 'Bad Name', value: 'x' }])[0]).toMatch(
      /headers.0.key: .* not a valid HTTP header name/,
    );
    expect(customHeaderProblems([{ key: 'X-A', value: 'a\r\nInjected: 1' }])).toEqual([
      'headers.0.value: must be printable ASCII, without control characters or spaces at either end',
    ]);
    for (const value of ['a\0', 'é', '日本', 'a\u0001b', 'a\u007fb', ' padded', 'padded ', '\tx', '\u0085'])
      expect(customHeaderProblems([{ key: 'X-A', value }])).toHaveLength(1);
    for (const value of ['', 'a b', 'a\tb', 'Bearer abc.def=', '!~'])
      expect(customHeaderProblems([{ key: 'X-A', value }])).toEqual([]);
    expect(customHeaderProblems([{ key: 'X-A', value: 'x'.repeat(4097) }])).toEqual([
      'headers.0.value: at most 4096 bytes',
    ]);
    expect(
      customHeaderProblems([
        { key: 'X-A', value: '1' },
        { key: 'x-a', value: '2' },
      ]),
    ).toEqual(['headers.1.key: x-a is given twice']);
    expect(
      customHeaderProblems(Array.from({ length: 21 }, (_, i) => ({ key: `X-${i}`, value: 'v' })))[0],
    ).toBe('headers: at most 20 custom headers');
  });

  it('recognises credential-like headers and masks their values', () => {
    for (const key of [
      'Authorization',
      'X-Api-Key',
      'X-Auth-Token',
      'Cookie',
      'X-Client-Secret',
      'api_key',
      'X-APIKEY',
      'X-AccessKey',
      'ApiKeyId',
      'Private-Key-Id',
      'X-Session-Id',
      'Proxy-Authorization-Extra',
    ]) {
      expect(isSensitiveHeader(key)).toBe(true);
    }
    for (const key of ['X-Tenant', 'Accept-Language', 'X-Keyboard', 'X-Request-Id'])
      expect(isSensitiveHeader(key)).toBe(false);
    expect(maskHeaderValue('Bearer abcdefgh1234')).toBe('••••••••1234');
    expect(maskHeaderValue('short')).toBe('••••••••');
  });
});
