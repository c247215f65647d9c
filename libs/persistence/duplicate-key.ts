/** Whether a MongoDB write failed on a unique index (code 11000, on MongoDB and FerretDB alike). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** The per-document errors of a failed bulk write (insertMany), each with its document's index. */
export function writeErrorsOf(err: unknown): { index: number; code: unknown }[] {
  const errors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  if (errors === undefined || errors === null) return [];
  return (Array.isArray(errors) ? errors : [errors]) as { index: number; code: unknown }[];
}
