import type { Model } from 'mongoose';
import { migrated } from './migrations';

/**
 * Creates the indexes a schema declares, failing loudly: unique indexes are guarantees the code
 * relies on, so a database that cannot build one must stop the start, not be found out later.
 * (Mongoose's autoIndex only emits an event on failure, and FerretDB lacks some index options.)
 * Every repository calls it at start, so the data migrations (migrations.ts) run before any.
 */
export async function ensureIndexes<T>(model: Model<T>): Promise<void> {
  // Indexes are built for the data as it is now: migrate it first.
  await migrated(model.db);
  try {
    await model.createIndexes();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot create the indexes of ${model.collection.collectionName}: ${reason}`);
  }
}
