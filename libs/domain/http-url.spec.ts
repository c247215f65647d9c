import { httpUrlProblem, normalizedHttpUrl } from './http-url';

describe('httpUrlProblem and normalizedHttpUrl', () => {
  it.each([
    ['https://EXAMPLE.com:443/a', 'https://example.com/a'],
    ['https://bücher.example/h?a=1', 'https://xn--bcher-kva.example/h?a=1'],
    ['http://2130706433/hook', 'http://127.0.0.1/hook'],
    ['https://example.com', 'https://example.com/'],
  ])('stores %s as %s', (input, stored) => {
    expect(httpUrlProblem(input, 'url')).toBeUndefined();
    expect(normalizedHttpUrl(input)).toBe(stored);
  });

  it.each([
    ['https://example.com/\r\nX-Injected: 1', 'spaces or control characters'],
    ['https://example.com/a b', 'spaces or control characters'],
    [' https://example.com/', 'spaces or control characters'],
    ['https://example.com/\t', 'spaces or control characters'],
    ['https://example.com/\u00a0', 'spaces or control characters'],
    ['https://example.com/\u2028', 'spaces or control characters'],
    ['https://user:pass@example.com/', 'user name or password'],
    ['https://example.com@127.0.0.1/', 'user name or password'],
    ['javascript:alert(1)', 'https'],
    ['ftp://example.com/', 'https'],
    ['//example.com/x', 'absolute URL'],
    ['https://[::1/', 'absolute URL'],
    ['https://example.com:0/a', 'port from 1 to 65535'],
    ['http://example.com:000/', 'port from 1 to 65535'],
    ['', 'at most 2048'],
    ['https://example.com/' + 'a'.repeat(2048), 'at most 2048'],
  ])('refuses %j (%s), and leaves it as it came', (input, problem) => {
    expect(httpUrlProblem(input, 'url')).toContain(problem);
    expect(normalizedHttpUrl(input)).toBe(input);
  });

  it('names the field', () => {
    expect(httpUrlProblem(42, 'redirectUrl')).toMatch(/^redirectUrl /);
  });
});
