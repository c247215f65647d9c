import type { ApplicationMode } from './applications';
import { httpUrlProblem } from './http-url';

const LOCALHOST = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What is wrong with a redirect URL for an application in this mode, or undefined when it is
 * fine: a clean absolute URL (see httpUrlProblem); https, or http only to localhost and only in
 * test mode.
 */
export function redirectUrlProblem(value: unknown, mode: ApplicationMode): string | undefined {
  const problem = httpUrlProblem(value, 'redirectUrl');
  if (problem) return problem;
  const url = new URL(value as string);
  if (url.protocol === 'https:') return undefined;
  if (LOCALHOST.has(url.hostname)) {
    return mode === 'test'
      ? undefined
      : 'redirectUrl must use https in live mode (http is allowed for localhost in test mode)';
  }
  return 'redirectUrl must use https (http is allowed only for localhost, in test mode)';
}
