import { redirectUrlProblem } from './redirect-url';

describe('redirectUrlProblem', () => {
  it.each([
    ['https://example.com/done', 'live'],
    ['https://example.com:8443/x?y=1', 'test'],
    ['http://localhost:3000/cb', 'test'],
    ['http://127.0.0.1/cb', 'test'],
    ['http://[::1]:8080/cb', 'test'],
  ] as const)('accepts %s in %s mode', (url, mode) => {
    expect(redirectUrlProblem(url, mode)).toBeUndefined();
  });

  it.each([
    ['http://localhost:3000/cb', 'live', /https in live mode/],
    ['http://example.com/cb', 'test', /must use https/],
    ['ftp://example.com', 'test', /must use https/],
    ['/relative/path', 'test', /absolute URL/],
    ['javascript:alert(1)', 'test', /must use https/],
    ['https://user:pass@example.com', 'live', /user name or password/],
    [42, 'test', /absolute URL/],
    [`https://example.com/${'x'.repeat(2100)}`, 'test', /2048/],
  ] as const)('refuses %s in %s mode', (url, mode, message) => {
    expect(redirectUrlProblem(url, mode)).toMatch(message);
  });
});
