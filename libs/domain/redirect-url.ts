import type { ApplicationMode } from './applications';

const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What is wrong with a redirect URL for an application in this mode, or undefined when it is
 * fine: absolute https; http only to localhost and only in test mode; no credentials in it.
 */
export function redirectUrlProblem(value: unknown, mode: ApplicationMode): string | undefined {
  if (typeof value !== 'string' || value.length > 2048)
    return 'redirectUrl must be an absolute URL of at most 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'redirectUrl must be an absolute URL, e.g. https://example.com/done';
  }
  if (url.username || url.password) return 'redirectUrl must not contain a user name or password';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOCALHOST.has(url.hostname)) {
    return mode === 'test'
      ? undefined
      : 'redirectUrl must use https in live mode (http is allowed for localhost in test mode)';
  }
  return 'redirectUrl must use https (http is allowed only for localhost, in test mode)';
}
