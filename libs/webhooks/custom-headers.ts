/** Rules for the custom headers of a webhook. Pure. */
export interface CustomHeader {
  key: string;
  value: string;
}

export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_VALUE_BYTES = 4096;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/**
 * A value HTTP carries unchanged: printable ASCII, inner spaces and tabs, none at either end (they
 * would be trimmed on the wire). Other characters are refused here, not failed on every delivery.
 */
const FIELD_VALUE = /^([\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?)?$/;

/** Names a custom header may not use: they would break the request, or spoof what we sign. */
const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
]);
const RESERVED_PREFIXES = ['proxy-', 'webhook-'];

/** Header values that look like credentials are stored sealed and shown masked. */
const SENSITIVE =
  /^(authorization|cookie|x-api-key|api-key|apikey)$|token|secret|password|passwd|auth|signature|session|[-_]key$/i;

export const isSensitiveHeader = (key: string) => SENSITIVE.test(key);

/** `••••••••1234` for long values, all dots for short ones. */
export const maskHeaderValue = (value: string) =>
  value.length >= 12 ? `••••••••${value.slice(-4)}` : '••••••••';

/** What is wrong with a list of custom headers, one message per problem (empty when fine). */
export function customHeaderProblems(headers: CustomHeader[]): string[] {
  const problems: string[] = [];
  if (headers.length > MAX_CUSTOM_HEADERS)
    problems.push(`headers: at most ${MAX_CUSTOM_HEADERS} custom headers`);
  const seen = new Set<string>();
  headers.forEach(({ key, value }, i) => {
    const lower = key.toLowerCase();
    if (!TOKEN.test(key))
      problems.push(`headers.${i}.key: "${key.slice(0, 40)}" is not a valid HTTP header name`);
    else if (RESERVED.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p))) {
      problems.push(`headers.${i}.key: ${key} is set by the service and cannot be a custom header`);
    } else if (seen.has(lower)) problems.push(`headers.${i}.key: ${key} is given twice`);
    seen.add(lower);
    if (!FIELD_VALUE.test(value))
      problems.push(
        `headers.${i}.value: must be printable ASCII, without control characters or spaces at either end`,
      );
    if (Buffer.byteLength(value, 'utf8') > MAX_HEADER_VALUE_BYTES) {
      problems.push(`headers.${i}.value: at most ${MAX_HEADER_VALUE_BYTES} bytes`);
    }
  });
  return problems;
}
