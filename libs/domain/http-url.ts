/** The one rule for URLs clients give us (webhook targets, redirect URLs), and their stored form. Pure. */

export const MAX_URL_LENGTH = 2048;

/** Spaces, control characters and Unicode white space: a URL parser would drop or encode them silently. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE = /[\u0000-\u0020\u007f-\u009f\s\ufeff]/u;

/**
 * What is wrong with an absolute http(s) URL as sent, or undefined: it must be a string of at most
 * 2048 characters with no spaces or control characters (percent-encode them), parse as a URL, use
 * http or https, and carry no user name or password nor port 0. `field` names it in the message.
 */
export function httpUrlProblem(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH)
    return `${field} must be an absolute URL of at most ${MAX_URL_LENGTH} characters`;
  if (UNSAFE.test(value))
    return `${field} must not contain spaces or control characters (percent-encode them, e.g. %20)`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} must be an absolute URL, e.g. https://example.com/path`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${field} must use https (or http)`;
  if (url.username || url.password) return `${field} must not contain a user name or password`;
  // WHATWG parses port 0, but nothing can be reached on it: every request would fail.
  if (url.port === '0') return `${field} must name a port from 1 to 65535`;
  return undefined;
}

/**
 * The form a URL is stored and shown in: the WHATWG serialisation (lower-case scheme and host,
 * IDN as punycode, numeric IPv4 forms as dotted, default port dropped). Only for URLs without a
 * problem; anything else is returned as it came, for validation to refuse.
 */
export function normalizedHttpUrl(value: unknown): unknown {
  return httpUrlProblem(value, 'url') === undefined ? new URL(value as string).href : value;
}
