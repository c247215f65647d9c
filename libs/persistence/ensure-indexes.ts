import type { Model } from 'mongoose';

/**
 * Creates the indexes a schema declares, failing loudly: unique indexes are guarantees the code
 * relies on, so a database that cannot build one must stop the start, not be found out later.
 * (Mongoose's autoIndex only emits an event on failure, and FerretDB lacks some index options.)
 */
export async function ensureIndexes<T>(model: Model<T>): Promise<void> {
  try {
    await model.createIndexes();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot create the indexes of ${model.collection.collectionName}: ${reason}`);
  }
}
