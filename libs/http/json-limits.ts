/** Largest JSON body accepted; bigger ones get 413. */
export const JSON_BODY_LIMIT = '256kb';
export const JSON_BODY_LIMIT_BYTES = 256 * 1024;

/** Deepest nesting of objects and arrays accepted in a JSON body, the whole body counted; deeper: 400. */
export const MAX_JSON_DEPTH = 64;
