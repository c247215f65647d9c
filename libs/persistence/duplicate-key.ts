import type { Collection, Document } from 'mongodb';

/**
 * Whether a MongoDB write failed on a unique index: code 11000 on MongoDB, and on FerretDB for an
 * insert; FerretDB v1 reports a unique index broken by an update as an internal error (code 1) that
 * carries PostgreSQL's SQLSTATE 23505 (unique_violation) or SQLite's UNIQUE constraint message.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 11000) return true;
  return (
    code === 1 &&
    typeof message === 'string' &&
    (message.includes('SQLSTATE 23505') || message.includes('UNIQUE constraint failed'))
  );
}

/** The per-document errors of a failed bulk write (insertMany), each with its document's index. */
function writeErrorsOf(err: unknown): { index: number; code: unknown }[] {
  const errors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  if (errors === undefined || errors === null) return [];
  return (Array.isArray(errors) ? errors : [errors]) as { index: number; code: unknown }[];
}

/** How one document of an insert went: `inserted`, `duplicate` (its `_id` was there), or failed. */
export type InsertOutcome = 'inserted' | 'duplicate' | { failed: unknown };

/**
 * Inserts the documents in one unordered command (one duplicate key does not stop the others) and
 * says how each went, in their order; a document that failed otherwise carries the command's error.
 * Throws when the command failed as a whole.
 */
export async function insertEach(collection: Collection, docs: Document[]): Promise<InsertOutcome[]> {
  try {
    await collection.insertMany(docs, { ordered: false });
    return docs.map(() => 'inserted');
  } catch (err) {
    const failed = new Map(writeErrorsOf(err).map((e) => [e.index, e]));
    if (failed.size === 0) throw err;
    return docs.map((_, index) => {
      const error = failed.get(index);
      if (!error) return 'inserted';
      return isDuplicateKey(error) ? 'duplicate' : { failed: err };
    });
  }
}
