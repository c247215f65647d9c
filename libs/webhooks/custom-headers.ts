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

/**
 * A header is sensitive, its value stored sealed and shown masked, when a word of its name (split
 * at `-`, `_`, `.` and camelCase) ends with `key` (`X-APIKEY`, `X-AccessKey`, `ApiKeyId`) or
 * contains one of the words below (`X-Auth-Token`, `Client-Secret`). A false match only masks a
 * harmless value; a miss would show a credential, so the rule is broad.
 */
export const SENSITIVE_HEADER_WORDS = [
  'auth',
  'cookie',
  'credential',
  'passw',
  'pwd',
  'secret',
  'session',
  'signature',
  'token',
] as const;

export const isSensitiveHeader = (key: string) =>
  key
    .split(/[-_.]|(?<=[a-z0-9])(?=[A-Z])/)
    .map((word) => word.toLowerCase())
    .some((word) => word.endsWith('key') || SENSITIVE_HEADER_WORDS.some((w) => word.includes(w)));

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
