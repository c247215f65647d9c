/** Whether a MongoDB write failed on a unique index (code 11000, on MongoDB and FerretDB alike). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
